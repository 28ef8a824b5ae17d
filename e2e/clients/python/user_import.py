"""Import users from a CSV file into a moat user pool with boto3, as
Cognito's guide does: GetCSVHeader, CreateUserImportJob, an HTTP PUT of the
file to the job's PreSignedUrl, StartUserImportJob, DescribeUserImportJob
until it ends; then an imported user (RESET_REQUIRED) resets the password
with the code mailed to the imported email, and signs in.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_MAILBOX_URL. Exits 1 naming the first mismatch.
"""

import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from botocore.exceptions import ClientError
from wirecheck import Mismatch, check, code_for, cognito_clients, run_checks

ROLE = "arn:aws:iam::000000000000:role/CognitoImportRole"


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]
        check(got.get("Code") == code, f"{call.__name__}: want {code}, got {got}")
        return
    raise Mismatch(f"{call.__name__} succeeded; want {code}")


def put(url, body):
    """PUT body as the AWS guide's example does; returns (status, body)."""
    req = urllib.request.Request(url, data=body, method="PUT", headers={"x-amz-server-side-encryption": "aws:kms"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    admin, public = cognito_clients()

    pool_id = admin.create_user_pool(PoolName="import-boto3", AutoVerifiedAttributes=["email"],
                                     AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]

    header = admin.get_csv_header(UserPoolId=pool_id)
    check(header["UserPoolId"] == pool_id, f"get_csv_header: {header}")
    columns = header["CSVHeader"]
    check(columns[-2:] == ["cognito:mfa_enabled", "cognito:username"] and "email" in columns and "sub" not in columns,
          f"get_csv_header: columns {columns}")

    tag = secrets.token_hex(3)
    people = [
        {"cognito:username": f"ann-{tag}", "name": "Ann, the first", "email": f"ann-{tag}@example.com"},
        {"cognito:username": f"bo-{tag}", "name": "Bo", "email": f"bo-{tag}@example.com"},
        {"cognito:username": "", "name": "No Username", "email": f"none-{tag}@example.com"},
    ]
    lines = [",".join(columns)]
    for p in people:
        p.update({"email_verified": "true", "cognito:mfa_enabled": "false"})
        lines.append(",".join(p.get(c, "").replace(",", "\\,") for c in columns))
    body = ("\n".join(lines) + "\n").encode()

    job = admin.create_user_import_job(JobName="boto3 import", UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    job_id = job["JobId"]
    check(job["Status"] == "Created" and job_id.startswith("import-") and job["CloudWatchLogsRoleArn"] == ROLE,
          f"create_user_import_job: {job}")
    url = job["PreSignedUrl"]
    parts = urllib.parse.urlsplit(url)
    check(parts.netloc == urllib.parse.urlsplit(os.environ["MOAT_IDENTITY_URL"]).netloc, f"PreSignedUrl {url} is not moat's")
    expect_error("PreconditionNotMetException", admin.start_user_import_job, UserPoolId=pool_id, JobId=job_id)

    query = urllib.parse.parse_qs(parts.query)
    query["signature"] = ["A" + query["signature"][0][1:]]
    forged = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, doseq=True)))
    status, answer = put(forged, body)
    check(status == 403 and "<Code>SignatureDoesNotMatch</Code>" in answer, f"PUT to a forged URL: {status} {answer}")
    status, answer = put(url, body)
    check(status == 200, f"PUT to the PreSignedUrl: {status} {answer}")

    started = admin.start_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
    check(started["Status"] in ("Pending", "InProgress", "Succeeded") and "StartDate" in started, f"start_user_import_job: {started}")
    deadline = time.time() + 30
    while True:
        job = admin.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        if job["Status"] not in ("Pending", "InProgress"):
            break
        check(time.time() < deadline, f"describe_user_import_job: still {job['Status']}")
        time.sleep(0.1)
    check(job["Status"] == "Succeeded" and job["ImportedUsers"] == 2 and job["FailedUsers"] == 1 and job["SkippedUsers"] == 0
          and "CompletionDate" in job, f"the finished job: {job}")
    expect_error("PreconditionNotMetException", admin.stop_user_import_job, UserPoolId=pool_id, JobId=job_id)
    listed = admin.list_user_import_jobs(UserPoolId=pool_id, MaxResults=60)["UserImportJobs"]
    check([j["JobId"] for j in listed] == [job_id], f"list_user_import_jobs: {listed}")
    expect_error("InvalidParameterException", admin.list_user_import_jobs, UserPoolId=pool_id, MaxResults=61)

    ann = admin.admin_get_user(UserPoolId=pool_id, Username=f"ann-{tag}")
    attrs = {a["Name"]: a["Value"] for a in ann["UserAttributes"]}
    check(ann["UserStatus"] == "RESET_REQUIRED" and attrs.get("name") == "Ann, the first" and attrs.get("sub"),
          f"imported user: {ann}")
    expect_error("PasswordResetRequiredException", public.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": f"ann-{tag}", "PASSWORD": "Anything-1"})

    # The imported, verified email receives the reset code; the user then signs in (by that email, an alias).
    public.forgot_password(ClientId=client_id, Username=f"ann-{tag}")
    public.confirm_forgot_password(ClientId=client_id, Username=f"ann-{tag}", ConfirmationCode=code_for(f"ann-{tag}@example.com"),
                                   Password="Imported-Pass-1")
    tokens = public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": f"ann-{tag}@example.com", "PASSWORD": "Imported-Pass-1"})
    check("AccessToken" in tokens["AuthenticationResult"], f"sign-in after the reset: {tokens}")
    print("boto3 user import: header, job, PUT, start, describe, list, RESET_REQUIRED, reset, sign-in: OK")


if __name__ == "__main__":
    run_checks(main)
