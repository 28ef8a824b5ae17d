"""Drive a running moat's identity pools with boto3 (cognito-identity).

A user pool user signs in; roles made through boto3's iam client trust
exactly the identity pool; the enhanced flow (GetId, then
GetCredentialsForIdentity) gives the user and a guest their roles'
credentials; a guest who signs in is merged into the user's identity; a developer identity is vouched for and looked up; and the
identity pool's OpenID token is verified with PyJWT from its discovery
document alone. boto3 is pointed at moat by endpoint_url alone.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY. Exits 1 with a message naming the first mismatch.
"""

import datetime
import json
import secrets
import sys
import urllib.request

import boto3
import jwt
from wirecheck import admin_client, check, env, expect_error, run

PASSWORD = "Corr3ct-Horse!"
DEVELOPER = "login.example.com"


def trust_policy(pool_id, amr):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
            },
        }],
    })


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL").rstrip("/")
        self.region = env("MOAT_REGION")
        self.idp = admin_client("cognito-idp", self.identity_url)
        self.public_idp = admin_client("cognito-idp", self.identity_url, signed=False)
        self.iam = admin_client("iam", self.identity_url)
        self.admin = admin_client("cognito-identity", self.identity_url)
        self.public = admin_client("cognito-identity", self.identity_url, signed=False)
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def sign_in(self, client_id):
        result = self.public_idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "june", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return result["IdToken"]

    def user_pool(self):
        pool_id = self.idp.create_user_pool(PoolName="identity-boto3")["UserPool"]["Id"]
        client_id = self.idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self.idp.admin_create_user(UserPoolId=pool_id, Username="june", MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=pool_id, Username="june", Password=PASSWORD, Permanent=True)
        return pool_id, client_id

    def role(self, name, pool_id, amr):
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(pool_id, amr))["Role"]["Arn"]

    def check_credentials(self, out, identity_id):
        creds = out["Credentials"]
        check(out["IdentityId"] == identity_id, f"credentials for {out['IdentityId']}, want {identity_id}")
        check(creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20, f"AccessKeyId {creds['AccessKeyId']}")
        check(len(creds["SecretKey"]) == 40 and creds["SessionToken"], "SecretKey or SessionToken")
        life = creds["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
        check(datetime.timedelta(minutes=58) < life <= datetime.timedelta(hours=1, minutes=1), f"credentials live {life}")

    def run(self):
        user_pool_id, client_id = self.user_pool()
        provider = f"cognito-idp.{self.region}.amazonaws.com/{user_pool_id}"
        pool = self.admin.create_identity_pool(
            IdentityPoolName="boto3_app", AllowUnauthenticatedIdentities=True, DeveloperProviderName=DEVELOPER,
            CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id, "ServerSideTokenCheck": True}],
        )
        pool_id = pool["IdentityPoolId"]
        check(pool["CognitoIdentityProviders"][0]["ServerSideTokenCheck"] is True, f"CreateIdentityPool answered {pool}")
        described = self.admin.describe_identity_pool(IdentityPoolId=pool_id)
        check(described["DeveloperProviderName"] == DEVELOPER and described["AllowUnauthenticatedIdentities"], f"DescribeIdentityPool {described}")
        self.note("CreateIdentityPool / DescribeIdentityPool")

        suffix = secrets.token_hex(3)
        signed_in = self.role(f"ip-signed-in-{suffix}", pool_id, "authenticated")
        guest = self.role(f"ip-guest-{suffix}", pool_id, "unauthenticated")
        self.admin.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": signed_in, "unauthenticated": guest})
        roles = self.admin.get_identity_pool_roles(IdentityPoolId=pool_id)
        check(roles["Roles"] == {"authenticated": signed_in, "unauthenticated": guest}, f"GetIdentityPoolRoles {roles}")
        self.note("roles made with iam, set with SetIdentityPoolRoles")

        token = self.sign_in(client_id)
        identity_id = self.public.get_id(IdentityPoolId=pool_id, Logins={provider: token})["IdentityId"]
        check(identity_id.startswith(self.region + ":"), f"IdentityId {identity_id}")
        out = self.public.get_credentials_for_identity(IdentityId=identity_id, Logins={provider: token})
        self.check_credentials(out, identity_id)
        again = self.public.get_id(IdentityPoolId=pool_id, Logins={provider: self.sign_in(client_id)})["IdentityId"]
        check(again == identity_id, f"second sign-in got identity {again}, want {identity_id}")
        self.note("GetId + GetCredentialsForIdentity for a signed-in user; stable identity")

        expect_error("NotAuthorizedException", self.public.get_credentials_for_identity,
                     "Logins don't match. Please include at least one valid login for this identity or identity pool.",
                     IdentityId=identity_id)
        expect_error("NotAuthorizedException", self.public.get_id,
                     "Invalid login token. Issuer doesn't match providerName",
                     IdentityPoolId=pool_id, Logins={f"cognito-idp.{self.region}.amazonaws.com/{self.region}_Wrong1234": token})
        expect_error("ResourceNotFoundException", self.public.get_id,
                     IdentityPoolId=f"{self.region}:00000000-0000-0000-0000-000000000000")
        self.note("Cognito's errors for wrong logins")

        # The classic mistake, a user pool id where the identity pool id goes,
        # breaks the model's pattern: ValidationException, worded as AWS does.
        expect_error("ValidationException", self.public.get_id,
                     f"1 validation error detected: Value '{user_pool_id}' at 'identityPoolId' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
                     IdentityPoolId=user_pool_id)
        expect_error("ValidationException", self.admin.create_identity_pool,
                     "1 validation error detected: Value 'shop/app' at 'identityPoolName' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
                     IdentityPoolName="shop/app", AllowUnauthenticatedIdentities=False)
        expect_error("ValidationException", self.admin.list_identity_pools,
                     "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60",
                     MaxResults=61)
        self.note("request validation answers ValidationException")

        guest_id = self.public.get_id(IdentityPoolId=pool_id)["IdentityId"]
        self.check_credentials(self.public.get_credentials_for_identity(IdentityId=guest_id), guest_id)
        self.note("a guest's credentials")

        # Signing in from a new guest session (as aws-amplify does after a
        # sign-out) merges the guest into the user's identity, whose id stays.
        out = self.public.get_credentials_for_identity(IdentityId=guest_id, Logins={provider: self.sign_in(client_id)})
        self.check_credentials(out, identity_id)
        expect_error("NotAuthorizedException", self.public.get_credentials_for_identity,
                     f"Identity '{guest_id}' is disabled.", IdentityId=guest_id, Logins={provider: token})
        self.check_credentials(self.public.get_credentials_for_identity(IdentityId=identity_id, Logins={provider: token}), identity_id)
        self.note("a guest signing in is merged into the user's identity, which keeps its id")

        oidc = self.public.get_open_id_token(IdentityId=identity_id, Logins={provider: token})
        discovery = get_json(f"{self.identity_url}/identity/.well-known/openid-configuration")
        keys = jwt.PyJWKClient(discovery["jwks_uri"])
        claims = jwt.decode(oidc["Token"], keys.get_signing_key_from_jwt(oidc["Token"]).key,
                            algorithms=["RS256"], audience=pool_id, issuer=discovery["issuer"])
        check(claims["sub"] == identity_id and "authenticated" in claims["amr"] and provider in claims["amr"], f"OpenID token claims {claims}")
        self.note("GetOpenIdToken verified with PyJWT from the discovery document")

        dev = self.admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool_id, Logins={DEVELOPER: "user-7"})
        found = self.admin.lookup_developer_identity(IdentityPoolId=pool_id, DeveloperUserIdentifier="user-7", MaxResults=10)
        check(found["IdentityId"] == dev["IdentityId"] and found["DeveloperUserIdentifierList"] == ["user-7"], f"LookupDeveloperIdentity {found}")
        out = self.public.get_credentials_for_identity(IdentityId=dev["IdentityId"], Logins={"cognito-identity.amazonaws.com": dev["Token"]})
        self.check_credentials(out, dev["IdentityId"])
        self.note("developer identity: token, lookup, credentials")

        # Global sign-out ends the session behind the ID token (ServerSideTokenCheck).
        self.idp.admin_user_global_sign_out(UserPoolId=user_pool_id, Username="june")
        expect_error("NotAuthorizedException", self.public.get_credentials_for_identity,
                     IdentityId=identity_id, Logins={provider: token})
        self.note("ServerSideTokenCheck refuses a signed-out session")

        self.admin.update_identity_pool(
            IdentityPoolId=pool_id, IdentityPoolName="boto3_app", AllowUnauthenticatedIdentities=False,
            DeveloperProviderName=DEVELOPER, CognitoIdentityProviders=described["CognitoIdentityProviders"])
        expect_error("NotAuthorizedException", self.public.get_id,
                     "Unauthenticated access is not supported for this identity pool.", IdentityPoolId=pool_id)
        self.note("guests refused once turned off")

        pools = self.admin.list_identity_pools(MaxResults=60)["IdentityPools"]
        check({"IdentityPoolId": pool_id, "IdentityPoolName": "boto3_app"} in pools, f"ListIdentityPools {pools}")
        self.admin.delete_identity_pool(IdentityPoolId=pool_id)
        expect_error("ResourceNotFoundException", self.admin.describe_identity_pool, IdentityPoolId=pool_id)
        self.note("ListIdentityPools / DeleteIdentityPool")


def main():
    return run(Flow, f"boto3 {boto3.__version__} cognito-identity against {{url}}", errors=(jwt.PyJWTError,))


if __name__ == "__main__":
    sys.exit(main())
