"""Drive a running moat's IAM roles API with boto3's iam client.

boto3 is pointed at moat by endpoint_url alone and signs for IAM as it does
on AWS (service iam, region us-east-1). Policy documents go in as JSON text
and come back as dicts, which botocore decodes from IAM's URL-encoded form.

Environment: MOAT_IDENTITY_URL, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_DECLARED_ROLE (a role the config file
declares, with an inline policy named "invoke"). Exits 1 with a message
naming the first mismatch.
"""

import json
import secrets
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from wirecheck import check, env, expect_error, run

POOL_ID = "us-east-1:11111111-2222-3333-4444-555555555555"
ACCOUNT = "000000000000"




def trust_policy(amr):
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL_ID},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
            },
        }],
    }


INVOKE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:a1b2c3/prod/GET/pets/*",
    }],
}


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL").rstrip("/")
        common = dict(
            endpoint_url=self.identity_url,
            region_name="us-east-1",
            aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
            aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"),
        )
        # One attempt: an error must reach us as moat sent it.
        retries = {"max_attempts": 1, "mode": "standard"}
        self.iam = boto3.client("iam", config=Config(retries=retries, connect_timeout=5, read_timeout=10), **common)
        self.unsigned = boto3.client("iam", config=Config(signature_version=UNSIGNED, retries=retries), **common)
        self.name = f"web-auth-{secrets.token_hex(4)}"
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def run(self):
        iam = self.iam
        created = iam.create_role(
            RoleName=self.name,
            Path="/cognito/",
            AssumeRolePolicyDocument=json.dumps(trust_policy("authenticated")),
            Description="signed-in users of the web app",
            MaxSessionDuration=7200,
            Tags=[{"Key": "app", "Value": "web"}],
        )["Role"]
        check(created["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/cognito/{self.name}", f"Arn {created['Arn']}")
        check(created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21, f"RoleId {created['RoleId']}")
        check(created["AssumeRolePolicyDocument"] == trust_policy("authenticated"),
              f"CreateRole's AssumeRolePolicyDocument {created['AssumeRolePolicyDocument']!r}")
        check(hasattr(created["CreateDate"], "year"), f"CreateDate {created['CreateDate']!r} is not a datetime")
        self.note("CreateRole with a Cognito trust policy")

        role = iam.get_role(RoleName=self.name)["Role"]
        check(role["AssumeRolePolicyDocument"] == trust_policy("authenticated"),
              f"GetRole's AssumeRolePolicyDocument {role['AssumeRolePolicyDocument']!r}")
        check(role["MaxSessionDuration"] == 7200 and role["Path"] == "/cognito/", f"GetRole {role}")
        check(role["Tags"] == [{"Key": "app", "Value": "web"}], f"Tags {role.get('Tags')}")
        check(role["Description"] == "signed-in users of the web app", f"Description {role.get('Description')!r}")
        self.note("GetRole: the trust policy round-trips as a dict")

        names = [r["RoleName"] for r in iam.list_roles(PathPrefix="/cognito/")["Roles"]]
        check(names == [self.name], f"ListRoles(/cognito/) {names}")
        paginated = [r["RoleName"] for page in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1}) for r in page["Roles"]]
        check(self.name in paginated and len(paginated) == len(set(paginated)) >= 2, f"paginated ListRoles {paginated}")
        self.note("ListRoles, by path prefix and page by page")

        iam.put_role_policy(RoleName=self.name, PolicyName="invoke-pets", PolicyDocument=json.dumps(INVOKE_POLICY))
        got = iam.get_role_policy(RoleName=self.name, PolicyName="invoke-pets")
        check(got["PolicyDocument"] == INVOKE_POLICY and got["RoleName"] == self.name and got["PolicyName"] == "invoke-pets",
              f"GetRolePolicy {got}")
        check(iam.list_role_policies(RoleName=self.name)["PolicyNames"] == ["invoke-pets"], "ListRolePolicies")
        self.note("PutRolePolicy/GetRolePolicy/ListRolePolicies with execute-api:Invoke")

        expect_error("DeleteConflict", iam.delete_role, status=409, RoleName=self.name)
        iam.delete_role_policy(RoleName=self.name, PolicyName="invoke-pets")
        check(iam.list_role_policies(RoleName=self.name)["PolicyNames"] == [], "ListRolePolicies after delete")
        expect_error("NoSuchEntity", iam.delete_role_policy, status=404, RoleName=self.name, PolicyName="invoke-pets")
        self.note("DeleteRolePolicy (and DeleteRole refused while a policy remains)")

        iam.update_assume_role_policy(RoleName=self.name, PolicyDocument=json.dumps(trust_policy("unauthenticated")))
        role = iam.get_role(RoleName=self.name)["Role"]
        check(role["AssumeRolePolicyDocument"] == trust_policy("unauthenticated"), "UpdateAssumeRolePolicy did not take")
        self.note("UpdateAssumeRolePolicy")

        message = expect_error("NoSuchEntity", iam.get_role, status=404, RoleName="nobody-" + self.name)["Error"]["Message"]
        check(message == f"The role with name nobody-{self.name} cannot be found.", f"NoSuchEntity message {message!r}")
        expect_error("EntityAlreadyExists", iam.create_role, status=409, RoleName=self.name.upper(), AssumeRolePolicyDocument=json.dumps(trust_policy("authenticated")))
        expect_error("MalformedPolicyDocument", iam.create_role, status=400, RoleName="bad-" + self.name, AssumeRolePolicyDocument="{not json")
        no_aud = trust_policy("authenticated")
        del no_aud["Statement"][0]["Condition"]["StringEquals"]
        expect_error("MalformedPolicyDocument", iam.create_role, status=400, RoleName="bad-" + self.name, AssumeRolePolicyDocument=json.dumps(no_aud))
        message = expect_error("MalformedPolicyDocument", iam.put_role_policy, status=400, RoleName=self.name, PolicyName="p", PolicyDocument=json.dumps(trust_policy("authenticated")))["Error"]["Message"]
        check(message == "Policy document should not specify a principal.", f"principal in a permission policy: {message!r}")
        expect_error("ValidationError", iam.create_role, status=400, RoleName="bad/name", AssumeRolePolicyDocument=json.dumps(trust_policy("authenticated")))
        expect_error("MissingAuthenticationToken", self.unsigned.list_roles, status=403)
        self.note("NoSuchEntity, EntityAlreadyExists, MalformedPolicyDocument, ValidationError, unsigned refused")

        iam.delete_role(RoleName=self.name)
        expect_error("NoSuchEntity", iam.get_role, status=404, RoleName=self.name)
        self.note("DeleteRole")

        declared = env("MOAT_DECLARED_ROLE")
        role = iam.get_role(RoleName=declared)["Role"]
        check(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Federated": "cognito-identity.amazonaws.com"},
              f"declared role's trust policy {role['AssumeRolePolicyDocument']}")
        check(iam.list_role_policies(RoleName=declared)["PolicyNames"] == ["invoke"], "declared role's inline policies")
        doc = iam.get_role_policy(RoleName=declared, PolicyName="invoke")["PolicyDocument"]
        check(doc["Statement"][0]["Action"] == "execute-api:Invoke", f"declared role's policy {doc}")
        self.note("a role declared in the config file is there")


def main():
    return run(Flow, f"boto3 {boto3.__version__} iam against {{url}}")


if __name__ == "__main__":
    sys.exit(main())
