"""Drive moat's WAF with boto3's wafv2 client, pointed at moat by
endpoint_url alone, and check what the web ACLs it sets up do to requests
sent from chosen loopback addresses (127.0.0.x).

Usage: waf_flow.py user-pool
  user-pool  creates an IP set denying 127.0.0.2 and a web ACL using it,
             checks a stale LockToken is refused, associates the web ACL
             with MOAT_POOL_ARN, and checks InitiateAuth is refused (403
             ForbiddenException) from 127.0.0.2 and signs in from 127.0.0.3.
Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY; for user-pool MOAT_POOL_ARN, MOAT_CLIENT_ID,
MOAT_USERNAME, MOAT_PASSWORD.
"""

import http.client
import json
import sys
import urllib.parse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from wirecheck import Mismatch, check, env, fail

DENIED, ALLOWED = "127.0.0.2", "127.0.0.3"


def visibility(name):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]
        check(got.get("Code") == code, f"{call.__name__}: want {code}, got {got}")
        return e.response
    raise Mismatch(f"{call.__name__} succeeded; want {code}")


def post_from(source, url, headers, body):
    """POST body to url from the loopback address source: (status, JSON body)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("POST", u.path or "/", body=json.dumps(body), headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else {}
    finally:
        conn.close()


class Flow:
    def __init__(self):
        self.identity = env("MOAT_IDENTITY_URL")
        self.waf = boto3.client(
            "wafv2",
            endpoint_url=self.identity,
            region_name=env("MOAT_REGION"),
            aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
            aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"),
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10),
        )
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def deny_set(self, name):
        s = self.waf.create_ip_set(Name=name, Scope="REGIONAL", IPAddressVersion="IPV4",
                                   Addresses=[DENIED + "/32"], Description="denied loopback caller")["Summary"]
        got = self.waf.get_ip_set(Name=name, Scope="REGIONAL", Id=s["Id"])
        check(got["IPSet"]["Addresses"] == [DENIED + "/32"], f"GetIPSet {got['IPSet']}")
        check(got["LockToken"] == s["LockToken"], "GetIPSet's LockToken is not CreateIPSet's")
        # Optimistic locking: the token read before a change is refused after it.
        nxt = self.waf.update_ip_set(Name=name, Scope="REGIONAL", Id=s["Id"], Addresses=[DENIED + "/32"],
                                     Description="denied loopback caller", LockToken=s["LockToken"])["NextLockToken"]
        check(nxt != s["LockToken"], "UpdateIPSet returned the same LockToken")
        expect_error("WAFOptimisticLockException", self.waf.update_ip_set, Name=name, Scope="REGIONAL",
                     Id=s["Id"], Addresses=[], LockToken=s["LockToken"])
        expect_error("WAFOptimisticLockException", self.waf.delete_ip_set, Name=name, Scope="REGIONAL",
                     Id=s["Id"], LockToken=s["LockToken"])
        self.note("CreateIPSet, GetIPSet, UpdateIPSet; a stale LockToken → WAFOptimisticLockException")
        return s["ARN"]

    def user_pool(self):
        set_arn = self.deny_set("pool-deny")
        acl = self.waf.create_web_acl(
            Name="pool-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility("pool-acl"),
            Rules=[{"Name": "deny-caller", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility("deny-caller"),
                    "Statement": {"IPSetReferenceStatement": {"ARN": set_arn}}}])["Summary"]
        expect_error("WAFAssociatedItemException", self.waf.delete_ip_set, Name="pool-deny", Scope="REGIONAL",
                     Id=set_arn.rsplit("/", 1)[1],
                     LockToken=self.waf.get_ip_set(Name="pool-deny", Scope="REGIONAL", Id=set_arn.rsplit("/", 1)[1])["LockToken"])
        pool = env("MOAT_POOL_ARN")
        self.waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=pool)
        got = self.waf.get_web_acl_for_resource(ResourceArn=pool)["WebACL"]
        check(got["ARN"] == acl["ARN"], f"GetWebACLForResource {got.get('ARN')}")
        arns = self.waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="COGNITO_USER_POOL")["ResourceArns"]
        check(arns == [pool], f"ListResourcesForWebACL {arns}")
        self.note("CreateWebACL, AssociateWebACL on the user pool, GetWebACLForResource, ListResourcesForWebACL")

        sign_in = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": env("MOAT_CLIENT_ID"),
                   "AuthParameters": {"USERNAME": env("MOAT_USERNAME"), "PASSWORD": env("MOAT_PASSWORD")}}
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}
        status, body = post_from(DENIED, self.identity, headers, sign_in)
        check(status == 403 and body == {"__type": "ForbiddenException", "message": "Request not allowed due to WAF block."},
              f"InitiateAuth from {DENIED}: {status} {body}")
        status, body = post_from(ALLOWED, self.identity, headers, sign_in)
        check(status == 200 and "AccessToken" in body.get("AuthenticationResult", {}), f"InitiateAuth from {ALLOWED}: {status} {body}")
        self.note(f"InitiateAuth from {DENIED} → 403 ForbiddenException; from {ALLOWED} signed in")

        samples = self.waf.get_sampled_requests(WebAclArn=acl["ARN"], RuleMetricName="deny-caller", Scope="REGIONAL", MaxItems=10,
                                                TimeWindow={"StartTime": got_time(-300), "EndTime": got_time(60)})
        blocked = [s for s in samples["SampledRequests"] if s["Request"]["ClientIP"] == DENIED]
        check(blocked and blocked[0]["Action"] == "BLOCK", f"GetSampledRequests {samples['SampledRequests']}")
        self.note("GetSampledRequests shows the blocked call")


def got_time(offset):
    import datetime
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)


def main():
    flow = None
    try:
        flow = Flow()
        {"user-pool": flow.user_pool}[sys.argv[1]]()
    except (Mismatch, ClientError, BotoCoreError, OSError, KeyError, IndexError) as e:
        return fail(flow, f"{type(e).__name__}: {e}")
    print("ok: " + "; ".join(flow.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
