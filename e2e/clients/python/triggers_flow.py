"""Drive a running moat's user-pool triggers with boto3, their functions
created through the Lambda API, and verify the tokens with PyJWT.

PreSignUp confirms one email domain and refuses another; PostConfirmation,
PreAuthentication and PostAuthentication get Cognito-shaped events (their
functions write them to MOAT_EVENTS_DIR); PreAuthentication refuses a
user; UserMigration signs in a user from a legacy directory; a Go
PreTokenGeneration V2_0 function changes both tokens, a Python V1_0 one
the ID token and the groups; a function that
sleeps 6 s and one that answers garbage fail as Cognito's do. Leaves
custom-message and user-migration for the mail checks that follow.

Environment: MOAT_IDENTITY_URL, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_ROLE_ARN, MOAT_TRIGGERS_ZIP,
MOAT_PRETOKEN_ZIP, MOAT_EVENTS_DIR. Exits 1 naming the first mismatch.
"""

import json
import os
import secrets
import sys
import time
import urllib.request

import boto3
import jwt
from triggerfns import admin_clients, create_trigger_function
from wirecheck import check, env, expect_error, run

PASSWORD = "Trigger-Pass-1!"


def add_version_config(request, version_config):
    body = json.loads(request.data)
    body["LambdaConfig"]["PreTokenGenerationConfig"] = version_config
    request.data = json.dumps(body).encode()


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL")
        self.fn, self.idp = admin_clients("lambda", "cognito-idp")
        self.events_dir = env("MOAT_EVENTS_DIR")
        self.arns = {}
        self.summary = []

    def create(self, name, runtime, handler, zip_path, timeout=3):
        self.arns[name] = create_trigger_function(self.fn, name, runtime, handler, zip_path, timeout,
                                                  {"EVENTS_DIR": self.events_dir})

    def event(self, source):
        path = os.path.join(self.events_dir, source + ".json")
        check(os.path.exists(path), f"no {source} event was received")
        with open(path) as f:
            return json.load(f)

    def check_header(self, e, source, username, client_id):
        check(e["version"] == "1" and e["triggerSource"] == source and e["region"] == "us-east-1"
              and e["userPoolId"] == self.pool_id and e["userName"] == username, f"{source} header: {e}")
        check(e["callerContext"] == {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
              f"{source} callerContext: {e['callerContext']}")
        check(isinstance(e["request"], dict) and isinstance(e["response"], dict), f"{source} request/response: {e}")

    def setup(self):
        zip_path = env("MOAT_TRIGGERS_ZIP")
        for name in ["pre_sign_up", "post_confirmation", "pre_authentication", "post_authentication",
                     "user_migration", "custom_message", "pre_token_v1", "garbage"]:
            self.create(name.replace("_", "-"), "python3.12", "lambda_function." + name, zip_path)
        self.create("sleepy", "python3.12", "lambda_function.sleepy", zip_path, timeout=10)
        self.create("pre-token", "provided.al2023", "bootstrap", env("MOAT_PRETOKEN_ZIP"))
        self.lambda_config = {
            "PreSignUp": self.arns["pre-sign-up"], "PostConfirmation": self.arns["post-confirmation"],
            "PreAuthentication": self.arns["pre-authentication"], "PostAuthentication": self.arns["post-authentication"],
            "UserMigration": self.arns["user-migration"],
        }
        version_config = {"LambdaArn": self.arns["pre-token"], "LambdaVersion": "V2_0"}
        model = self.idp.meta.service_model.shape_for("LambdaConfigType").members
        if "PreTokenGenerationConfig" in model:
            config = dict(self.lambda_config, PreTokenGenerationConfig=version_config)
        else:
            # Debian's botocore predates PreTokenGenerationConfig: send it
            # in the request body as a newer SDK would.
            config = self.lambda_config
            self.idp.meta.events.register("before-sign.cognito-idp.CreateUserPool",
                                          lambda request, **_: add_version_config(request, version_config))
        pool = self.idp.create_user_pool(PoolName="triggers-" + secrets.token_hex(3), LambdaConfig=config)["UserPool"]
        self.pool_id = pool["Id"]
        got = self.idp.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["LambdaConfig"]
        want = dict(config, PreTokenGeneration=self.arns["pre-token"])
        check(got == want, f"DescribeUserPool LambdaConfig {got}, want {want}")
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        self.idp.create_group(UserPoolId=self.pool_id, GroupName="staff")
        self.summary.append("LambdaConfig stored and described, PreTokenGeneration filled in")

    def sign_up(self):
        got = self.idp.sign_up(ClientId=self.client_id, Username="ivy", Password=PASSWORD,
                               UserAttributes=[{"Name": "email", "Value": "ivy@invited.example"}],
                               ValidationData=[{"Name": "invite", "Value": "abc"}], ClientMetadata={"campaign": "spring"})
        check(got["UserConfirmed"] is True, f"the invited domain was not auto-confirmed: {got}")
        e = self.event("PreSignUp_SignUp")
        self.check_header(e, "PreSignUp_SignUp", "ivy", self.client_id)
        check(e["request"]["validationData"] == {"invite": "abc"} and e["request"]["clientMetadata"] == {"campaign": "spring"},
              f"PreSignUp request: {e['request']}")
        check(e["request"]["userAttributes"]["email"] == "ivy@invited.example", f"PreSignUp attributes: {e['request']}")
        check(e["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
              f"PreSignUp response defaults: {e['response']}")
        user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username="ivy")
        attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        check(user["UserStatus"] == "CONFIRMED" and attrs.get("email_verified") == "true", f"ivy: {user}")
        e = self.event("PostConfirmation_ConfirmSignUp")
        self.check_header(e, "PostConfirmation_ConfirmSignUp", "ivy", self.client_id)
        ua = e["request"]["userAttributes"]
        check(ua.get("cognito:user_status") == "CONFIRMED" and ua.get("email_verified") == "true" and ua.get("sub"),
              f"PostConfirmation attributes: {ua}")
        expect_error("UserLambdaValidationException", self.idp.sign_up,
                     message="PreSignUp failed with error Registration from this domain is not allowed..",
                     ClientId=self.client_id, Username="mallory", Password=PASSWORD,
                     UserAttributes=[{"Name": "email", "Value": "mallory@blocked.example"}])
        expect_error("UserNotFoundException", self.idp.admin_get_user, UserPoolId=self.pool_id, Username="mallory")
        self.summary.append("PreSignUp confirms @invited.example, refuses @blocked.example; PostConfirmation event")

    def discover(self):
        url = f"{self.identity_url}/{self.pool_id}/.well-known/openid-configuration"
        with urllib.request.urlopen(url) as r:
            discovery = json.load(r)
        self.issuer = discovery["issuer"]
        self.jwks = jwt.PyJWKClient(discovery["jwks_uri"])

    def verify(self, token, audience=None):
        key = self.jwks.get_signing_key_from_jwt(token).key
        return jwt.decode(token, key, algorithms=["RS256"], issuer=self.issuer, audience=audience,
                          options={"verify_aud": audience is not None})

    def sign_in(self):
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username="ivy", GroupName="staff")
        auth = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "ivy", "PASSWORD": PASSWORD},
                                      ClientMetadata={"device": "kiosk"})["AuthenticationResult"]
        self.discover()
        id_claims = self.verify(auth["IdToken"], audience=self.client_id)
        access = self.verify(auth["AccessToken"])
        check(id_claims.get("tier") == "gold" and id_claims.get("features") == ["beta", "reports"],
              f"ID token lacks the added claims: {id_claims}")
        check("email" not in id_claims, f"the ID token's email was not suppressed: {id_claims}")
        check(id_claims.get("cognito:groups") == ["staff"], f"the ID token's groups: {id_claims}")
        check(access.get("tier") == "gold", f"the access token lacks the added claim: {access}")
        check(access["scope"].split() == ["aws.cognito.signin.user.admin", "orders/read"], f"access scopes: {access['scope']}")
        e = self.event("TokenGeneration_Authentication")
        check(e["version"] == "2" and e["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
              and e["request"]["groupConfiguration"]["groupsToOverride"] == ["staff"], f"PreTokenGeneration V2 event: {e}")
        pre = self.event("PreAuthentication_Authentication")
        self.check_header(pre, "PreAuthentication_Authentication", "ivy", self.client_id)
        check(pre["request"]["validationData"] == {"device": "kiosk"}, f"PreAuthentication validationData: {pre['request']}")
        post = self.event("PostAuthentication_Authentication")
        self.check_header(post, "PostAuthentication_Authentication", "ivy", self.client_id)
        check(post["request"]["userAttributes"].get("email") == "ivy@invited.example" and post["request"]["newDeviceUsed"] is False,
              f"PostAuthentication request: {post['request']}")
        refreshed = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                           AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"]})["AuthenticationResult"]
        check(self.verify(refreshed["IdToken"], audience=self.client_id).get("tier") == "gold", "refreshed ID token lacks the claim")
        self.event("TokenGeneration_RefreshTokens")
        self.summary.append("PreTokenGeneration V2 (Go): claim in both tokens, scope added, email suppressed, on refresh too")

        self.idp.admin_create_user(UserPoolId=self.pool_id, Username="banned-bob", MessageAction="SUPPRESS")
        self.check_header(self.event("PreSignUp_AdminCreateUser"), "PreSignUp_AdminCreateUser", "banned-bob", "CLIENT_ID_NOT_APPLICABLE")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username="banned-bob", Password=PASSWORD, Permanent=True)
        expect_error("UserLambdaValidationException", self.idp.initiate_auth,
                     message="PreAuthentication failed with error This user is banned..",
                     ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                     AuthParameters={"USERNAME": "banned-bob", "PASSWORD": PASSWORD})
        self.summary.append("PreAuthentication refuses banned-bob; PostAuthentication event")

    def migrate(self):
        auth = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "legacy-ann", "PASSWORD": "Legacy-Pass-1!"})["AuthenticationResult"]
        check(self.verify(auth["IdToken"], audience=self.client_id)["cognito:username"] == "legacy-ann", "migrated user's token")
        e = self.event("UserMigration_Authentication")
        self.check_header(e, "UserMigration_Authentication", "legacy-ann", self.client_id)
        check(e["request"]["password"] == "Legacy-Pass-1!", f"UserMigration request: {e['request']}")
        user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username="legacy-ann")
        attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        check(user["UserStatus"] == "CONFIRMED" and attrs.get("email") == "ann@legacy.example", f"migrated user: {user}")
        again = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "legacy-ann", "PASSWORD": "Legacy-Pass-1!"})
        check("AuthenticationResult" in again, "the migrated user cannot sign in again")
        expect_error("UserLambdaValidationException", self.idp.initiate_auth,
                     message="UserMigration failed with error Bad password.",
                     ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                     AuthParameters={"USERNAME": "legacy-zed", "PASSWORD": "Wrong-Pass-1!"})
        self.summary.append("UserMigration signs in legacy-ann, who is then in the pool")

    def token_v1(self):
        self.idp.update_user_pool(UserPoolId=self.pool_id, LambdaConfig={"PreTokenGeneration": self.arns["pre-token-v1"]})
        got = self.idp.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["LambdaConfig"]
        check(got.get("PreTokenGeneration") == self.arns["pre-token-v1"], f"LambdaConfig after the V1 update: {got}")
        auth = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": "ivy", "PASSWORD": PASSWORD})["AuthenticationResult"]
        id_claims = self.verify(auth["IdToken"], audience=self.client_id)
        access = self.verify(auth["AccessToken"])
        check(id_claims.get("plan") == "v1" and id_claims.get("email") == "overridden@example.com"
              and "email_verified" not in id_claims and id_claims["sub"] != "forged", f"V1 ID token: {id_claims}")
        check(id_claims.get("cognito:groups") == ["readers"] and access.get("cognito:groups") == ["readers"],
              f"V1 group override: {id_claims.get('cognito:groups')}, {access.get('cognito:groups')}")
        check("plan" not in access and access["scope"] == "aws.cognito.signin.user.admin", f"V1 changed the access token: {access}")
        e = self.event("TokenGeneration_Authentication")
        check(e["version"] == "1" and e["response"] == {"claimsOverrideDetails": None} and "scopes" not in e["request"],
              f"PreTokenGeneration V1 event: {e}")
        self.summary.append("PreTokenGeneration V1 (Python): ID-token claims, suppression, group override; sub immutable")

    def broken_functions(self):
        self.idp.update_user_pool(UserPoolId=self.pool_id, LambdaConfig={"PreSignUp": self.arns["sleepy"]})
        got = self.idp.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["LambdaConfig"]
        check(got == {"PreSignUp": self.arns["sleepy"]}, f"UpdateUserPool must replace LambdaConfig: {got}")
        start = time.monotonic()
        expect_error("UnexpectedLambdaException", self.idp.sign_up,
                     message="PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.",
                     ClientId=self.client_id, Username="sleepy", Password=PASSWORD)
        took = time.monotonic() - start
        check(took >= 15, f"the timeout came after {took:.1f}s; Cognito tries three times for 5 s each")
        self.idp.update_user_pool(UserPoolId=self.pool_id, LambdaConfig={"PreSignUp": self.arns["garbage"]})
        expect_error("InvalidLambdaResponseException", self.idp.sign_up, message="Unrecognizable lambda output",
                     ClientId=self.client_id, Username="garbled", Password=PASSWORD)
        expect_error("InvalidParameterException", self.idp.update_user_pool, UserPoolId=self.pool_id,
                     LambdaConfig={"PreSignUp": "function:not-an-arn-but-long-enough"})
        self.summary.append(f"a 6 s function times out after {took:.1f}s, garbage is InvalidLambdaResponseException")

    def run(self):
        self.setup()
        self.sign_up()
        self.sign_in()
        self.migrate()
        self.token_v1()
        self.broken_functions()


if __name__ == "__main__":
    sys.exit(run(Flow, f"boto3 {boto3.__version__} + PyJWT {jwt.__version__} against {{url}}", errors=(jwt.PyJWTError,)))
