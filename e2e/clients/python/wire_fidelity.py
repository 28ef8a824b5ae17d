"""What real clients trip over, checked with boto3 against AWS's documented
answers: ExplicitAuthFlows (legacy and modern), schema and attribute
rules, and settings whose feature moat lacks (Debian's botocore has no
GetTokensFromRefreshToken; aws-amplify's e2e test drives it). boto3 is pointed at moat by endpoint_url alone.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ACCOUNT_ID (the --account-id
moat was started with), MOAT_ADMIN_ACCESS_KEY_ID, MOAT_ADMIN_SECRET_ACCESS_KEY. Exits 1 with a message naming the first mismatch.
"""

import secrets
import sys

import boto3
from wirecheck import admin_client, check, env, expect_error, run

PASSWORD = "Corr3ct-Horse!"

# Cognito's SRP group: the RFC 3526 3072-bit prime, g = 2.
SRP_N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)


class Flow:
    def __init__(self):
        self.idp = admin_client("cognito-idp")
        self.public = admin_client("cognito-idp", signed=False)
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
        # AWS's table: every legacy-only list also permits SRP and refresh.
        for flows in (["USER_PASSWORD_AUTH"], ["ADMIN_NO_SRP_AUTH"], ["CUSTOM_AUTH_FLOW_ONLY"]):
            client_id = legacy["ClientId"] if flows == ["USER_PASSWORD_AUTH"] else self.idp.create_user_pool_client(
                UserPoolId=pool_id, ClientName="legacy", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
            self.srp_starts(client_id, f"legacy {flows}")
        admin_only = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="admin-legacy",
                                                      ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])["UserPoolClient"]
        tokens = self.idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=admin_only["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                              AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})["AuthenticationResult"]
        self.public.initiate_auth(ClientId=admin_only["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        expect_error("InvalidParameterException", self.public.initiate_auth, "USER_PASSWORD_AUTH flow not enabled for this client",
                     ClientId=admin_only["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        expect_error("InvalidParameterException", self.public.initiate_auth, "Custom auth flow not enabled for this client",
                     ClientId=admin_only["ClientId"], AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "una"})
        custom_only = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="custom-legacy",
                                                       ExplicitAuthFlows=["CUSTOM_AUTH_FLOW_ONLY"])["UserPoolClient"]
        expect_error("InvalidParameterException", self.public.initiate_auth, "USER_PASSWORD_AUTH flow not enabled for this client",
                     ClientId=custom_only["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        expect_error("InvalidParameterException", self.idp.admin_initiate_auth, "Auth flow not enabled for this client",
                     UserPoolId=pool_id, ClientId=custom_only["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                     AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        expect_error("InvalidParameterException", self.public.initiate_auth, "USER_SRP_AUTH flow not enabled for this client",
                     ClientId=modern["ClientId"], AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": "una", "SRP_A": self.srp_a()})
        empty = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="default")["UserPoolClient"]
        self.srp_starts(empty["ClientId"], "no ExplicitAuthFlows")
        check(sorted(empty["ExplicitAuthFlows"]) == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
              f"no ExplicitAuthFlows: {empty['ExplicitAuthFlows']}")
        expect_error("InvalidParameterException", self.public.initiate_auth, "USER_PASSWORD_AUTH flow not enabled for this client",
                     ClientId=empty["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "una", "PASSWORD": PASSWORD})
        expect_error("InvalidParameterException", self.idp.create_user_pool_client, contains="cannot mix the legacy values",
                     UserPoolId=pool_id, ClientName="mixed", ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
        self.note("ExplicitAuthFlows: each legacy value (SRP and refresh too), modern, empty and mixed lists")

    @staticmethod
    def srp_a():
        return format(pow(2, secrets.randbits(256), SRP_N), "x")

    def srp_starts(self, client_id, what):
        """USER_SRP_AUTH is permitted: InitiateAuth answers the PASSWORD_VERIFIER challenge."""
        got = self.public.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                                        AuthParameters={"USERNAME": "una", "SRP_A": self.srp_a()})
        check(got.get("ChallengeName") == "PASSWORD_VERIFIER", f"USER_SRP_AUTH on a client with {what}: {got}")

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
        expect_error("InvalidParameterException", self.idp.create_user_pool,
                     "Invalid StringAttributeConstraints for schema attribute custom:tier", PoolName="s",
                     Schema=[{"Name": "tier", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "ten"}}])
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="NumberAttributeConstraints", PoolName="s",
                     Schema=[{"Name": "tier", "AttributeDataType": "String", "NumberAttributeConstraints": {"MinValue": "1"}}])
        pool = self.idp.create_user_pool(PoolName="schema", Schema=[
            {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}])["UserPool"]
        names = {a["Name"] for a in pool["SchemaAttributes"]}
        check("dev:custom:secret" in names, f"developer-only attribute name: {sorted(names)}")
        account = env("MOAT_ACCOUNT_ID")
        check(pool["Arn"] == f"arn:aws:cognito-idp:{env('MOAT_REGION')}:{account}:userpool/{pool['Id']}", f"user-pool ARN {pool['Arn']}")
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
        self.idp.admin_create_user(UserPoolId=pool["Id"], Username="pia", MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}, {"Name": "phone_number_verified", "Value": "FALSE"}])
        attrs = {a["Name"]: a["Value"] for a in self.idp.admin_get_user(UserPoolId=pool["Id"], Username="pia")["UserAttributes"]}
        check(attrs.get("phone_number_verified") == "false", f"phone_number_verified FALSE stored as {attrs.get('phone_number_verified')}")
        expect_error("InvalidParameterException", self.idp.admin_delete_user_attributes,
                     "Invalid user attributes: user.shoe_size: Attribute does not exist in the schema.\n",
                     UserPoolId=pool["Id"], Username="vic", UserAttributeNames=["shoe_size"])
        self.idp.admin_reset_user_password(UserPoolId=pool["Id"], Username="vic")
        status = self.idp.admin_get_user(UserPoolId=pool["Id"], Username="vic")["UserStatus"]
        check(status == "RESET_REQUIRED", f"after AdminResetUserPassword: {status}")
        self.note("schema and attribute rules; AddCustomAttributes; AdminResetUserPassword; DescribeUserPool defaults; ARN account")

    def aliases(self):
        """A verified email that is another user's alias: AliasExistsException, unless forced."""
        pool_id = self.idp.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"]["Id"]
        verified = [{"Name": "email", "Value": "sam@example.com"}, {"Name": "email_verified", "Value": "true"}]
        self.idp.admin_create_user(UserPoolId=pool_id, Username="sam", MessageAction="SUPPRESS", UserAttributes=verified)
        self.idp.admin_create_user(UserPoolId=pool_id, Username="tom", MessageAction="SUPPRESS")
        expect_error("AliasExistsException", self.idp.admin_update_user_attributes, "An account with the given email already exists.",
                     UserPoolId=pool_id, Username="tom", UserAttributes=verified)
        expect_error("AliasExistsException", self.idp.admin_create_user, "An account with the given email already exists.",
                     UserPoolId=pool_id, Username="uma", MessageAction="SUPPRESS", UserAttributes=verified)
        expect_error("UserNotFoundException", self.idp.admin_get_user, UserPoolId=pool_id, Username="uma")
        self.idp.admin_create_user(UserPoolId=pool_id, Username="uma", MessageAction="SUPPRESS", UserAttributes=verified, ForceAliasCreation=True)
        old = {a["Name"]: a["Value"] for a in self.idp.admin_get_user(UserPoolId=pool_id, Username="sam")["UserAttributes"]}
        check(old.get("email_verified") == "false", f"the alias's old owner after ForceAliasCreation: {old}")
        self.note("AliasExistsException for a taken email alias; ForceAliasCreation moves it")

    def unbuilt(self, pool_id):
        # MFA is built: ON with no second factor offered is AWS's own refusal.
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="Invalid MFA configuration",
                     PoolName="mfa", MfaConfiguration="ON")
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="threat protection",
                     PoolName="add-ons", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
        self.note("settings whose feature moat lacks are refused, naming it")

    def run(self):
        pool_id = self.idp.create_user_pool(PoolName="fidelity")["UserPool"]["Id"]
        self.user(pool_id)
        self.auth_flows(pool_id)
        self.schema()
        self.aliases()
        self.unbuilt(pool_id)


def main():
    return run(Flow, f"boto3 {boto3.__version__} wire fidelity")


if __name__ == "__main__":
    sys.exit(main())
