"""Call moat gateway routes signed with SigV4 by botocore, as an app holding
identity-pool credentials would: SigV4Auth for service execute-api, or a
presigned URL with SigV4QueryAuth.

Environment: MOAT_REGION, and MOAT_CALLS, a JSON list of
{"url", "method", "body", "accessKeyId", "secretAccessKey", "sessionToken", "presign"}
("" for no body or no session token). Prints a JSON list with one
{"status", "errorType" (x-amzn-ErrorType), "body"} per call, in order.
"""

import json
import os
import sys
import urllib.error
import urllib.request

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def call(region, c):
    body = c["body"].encode() or None
    creds = Credentials(c["accessKeyId"], c["secretAccessKey"], c["sessionToken"] or None)
    request = AWSRequest(method=c["method"], url=c["url"], data=body,
                         headers={"Content-Type": "application/json"} if body else {})
    if c["presign"]:
        SigV4QueryAuth(creds, "execute-api", region, expires=300).add_auth(request)
    else:
        SigV4Auth(creds, "execute-api", region).add_auth(request)
    prepared = request.prepare()
    sent = urllib.request.Request(prepared.url, data=body, method=prepared.method, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            status, headers, text = response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as refused:
        status, headers, text = refused.code, refused.headers, refused.read().decode()
    return {"status": status, "errorType": headers.get("x-amzn-ErrorType", ""), "body": text}


def main():
    region = os.environ["MOAT_REGION"]
    print(json.dumps([call(region, c) for c in json.loads(os.environ["MOAT_CALLS"])]))


if __name__ == "__main__":
    sys.exit(main())
