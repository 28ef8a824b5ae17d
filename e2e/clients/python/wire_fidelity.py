"""What real clients trip over, checked with boto3 against AWS's documented
answers: ExplicitAuthFlows (legacy and modern), schema and attribute
rules, and settings whose feature moat lacks (Debian's botocore has no
GetTokensFromRefreshToken; aws-amplify's e2e test drives it). boto3 is pointed at moat by endpoint_url alone.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY. Exits 1 with a message naming the first mismatch.
"""

import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from wirecheck import check, env, expect_error, run

PASSWORD = "Corr3ct-Horse!"


class Flow:
    def __init__(self):
        common = dict(endpoint_url=env("MOAT_IDENTITY_URL"), region_name=env("MOAT_REGION"),
                      aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
                      aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"))
        config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
        self.idp = boto3.client("cognito-idp", config=config, **common)
        self.public = boto3.client("cognito-idp", config=config.merge(Config(signature_version=UNSIGNED)), **common)
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def user(self, pool_id, name="una"):
        self.idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)

    def auth_flows(self, pool_id):
        legacy = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="legacy",
                                                  ExplicitAuthFlows=["USER_PASSWORD_AUTH"])["UserPoolClient"]
        check(legacy["ExplicitAuthFlows"] == ["USER_PASSWORD_AUTH"], f"legacy values come back as sent: {legacy['ExplicitAuthFlows']}")
        tokens = self.public.initiate_auth(ClientId=legacy["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})["AuthenticationResult"]
        # A legacy-only list still allows refresh.
        self.public.initiate_auth(ClientId=legacy["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        expect_error("InvalidParameterException", self.idp.admin_initiate_auth, "Auth flow not enabled for this client",
                     UserPoolId=pool_id, ClientId=legacy["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                     AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        modern = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="modern",
                                                  ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
        tokens = self.public.initiate_auth(ClientId=modern["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})["AuthenticationResult"]
        expect_error("InvalidParameterException", self.public.initiate_auth, "Refresh Token Auth flow not enabled for this client",
                     ClientId=modern["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        empty = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="default")["UserPoolClient"]
        check(sorted(empty["ExplicitAuthFlows"]) == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
              f"no ExplicitAuthFlows: {empty['ExplicitAuthFlows']}")
        expect_error("InvalidParameterException", self.public.initiate_auth, "USER_PASSWORD_AUTH flow not enabled for this client",
                     ClientId=empty["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        expect_error("InvalidParameterException", self.idp.create_user_pool_client, contains="cannot mix the legacy values",
                     UserPoolId=pool_id, ClientName="mixed", ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
        self.note("ExplicitAuthFlows: legacy, modern, empty and mixed lists")

    def schema(self):
        expect_error("InvalidParameterException", self.idp.create_user_pool,
                     "user.custom:tier: Max length cannot be less than min length.", PoolName="s",
                     Schema=[{"Name": "tier", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "9", "MaxLength": "3"}}])
        expect_error("InvalidParameterException", self.idp.create_user_pool,
                     "user.custom:tier: String attributes cannot have a length of more than 2048", PoolName="s",
                     Schema=[{"Name": "tier", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "4096"}}])
        expect_error("InvalidParameterException", self.idp.create_user_pool,
                     "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.", PoolName="s",
                     Schema=[{"Name": "tier"}])
        expect_error("InvalidParameterException", self.idp.create_user_pool,
                     "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email",
                     PoolName="s", Schema=[{"Name": "email", "AttributeDataType": "Number"}])
        pool = self.idp.create_user_pool(PoolName="schema", Schema=[
            {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}])["UserPool"]
        names = {a["Name"] for a in pool["SchemaAttributes"]}
        check("dev:custom:secret" in names, f"developer-only attribute name: {sorted(names)}")
        check(pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}, f"EmailConfiguration {pool.get('EmailConfiguration')}")
        check(pool["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE", f"VerificationMessageTemplate {pool.get('VerificationMessageTemplate')}")
        self.idp.add_custom_attributes(UserPoolId=pool["Id"], CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
        expect_error("InvalidParameterException", self.idp.add_custom_attributes,
                     "custom:plan: Existing attribute already has name custom:plan.",
                     UserPoolId=pool["Id"], CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}])
        self.idp.admin_create_user(UserPoolId=pool["Id"], Username="vic", MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "email", "Value": "vic@example.com"}, {"Name": "email_verified", "Value": "True"}])
        attrs = {a["Name"]: a["Value"] for a in self.idp.admin_get_user(UserPoolId=pool["Id"], Username="vic")["UserAttributes"]}
        check(attrs.get("email_verified") == "true", f"email_verified True stored as {attrs.get('email_verified')}")
        expect_error("InvalidParameterException", self.idp.admin_delete_user_attributes,
                     "Invalid user attributes: user.shoe_size: Attribute does not exist in the schema.\n",
                     UserPoolId=pool["Id"], Username="vic", UserAttributeNames=["shoe_size"])
        self.idp.admin_reset_user_password(UserPoolId=pool["Id"], Username="vic")
        status = self.idp.admin_get_user(UserPoolId=pool["Id"], Username="vic")["UserStatus"]
        check(status == "RESET_REQUIRED", f"after AdminResetUserPassword: {status}")
        self.note("schema and attribute rules; AddCustomAttributes; AdminResetUserPassword; DescribeUserPool defaults")

    def unbuilt(self, pool_id):
        # MFA is built: ON with no second factor offered is AWS's own refusal.
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="Invalid MFA configuration",
                     PoolName="mfa", MfaConfiguration="ON")
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="custom senders",
                     PoolName="triggers", LambdaConfig={"KMSKeyID": "arn:aws:kms:us-east-1:000000000000:key/k"})
        self.note("settings whose feature moat lacks are refused, naming it")

    def run(self):
        pool_id = self.idp.create_user_pool(PoolName="fidelity")["UserPool"]["Id"]
        self.user(pool_id)
        self.auth_flows(pool_id)
        self.schema()
        self.unbuilt(pool_id)


def main():
    return run(Flow, f"boto3 {boto3.__version__} wire fidelity")


if __name__ == "__main__":
    sys.exit(main())
