"""Drive a running moat's user-pool API with boto3 and verify its tokens with PyJWT.

boto3 is pointed at moat by endpoint_url alone, and the ID token is verified
from the OpenID discovery document alone, as an application would on AWS.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY. Exits 1 with a message naming the first mismatch.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import secrets
import sys
import urllib.request

import boto3
import jwt
from wirecheck import admin_client, check, env, expect_error, run

GROUP = "editors"
AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PAGE_SIZE = 2
EXTRA_USERS = 4  # with the main user, five matches: three pages of PAGE_SIZE




def secret_hash(client_secret, username, client_id):
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL").rstrip("/")
        self.region = env("MOAT_REGION")
        self.idp = admin_client("cognito-idp", self.identity_url)
        self.tag = secrets.token_hex(4)
        self.username = f"alice-{self.tag}"
        self.email = f"alice-{self.tag}@example.com"
        self.password = "Corr3ct-Horse-" + secrets.token_hex(4)
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    # --- control plane -----------------------------------------------------

    def create_pool_and_clients(self):
        pool = self.idp.create_user_pool(PoolName=f"boto3-{self.tag}")["UserPool"]
        self.pool_id = pool["Id"]
        check(re.fullmatch(re.escape(self.region) + r"_[A-Za-z0-9]+", self.pool_id), f"pool id {self.pool_id!r} is not <region>_<alnum>")
        check(isinstance(pool.get("CreationDate"), datetime.datetime), f"CreationDate is not a date: {pool.get('CreationDate')!r}")
        check(abs(pool["CreationDate"].timestamp() - datetime.datetime.now().timestamp()) < 3600, f"CreationDate {pool['CreationDate']} is not now (epoch seconds expected)")

        secret_client = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="with-secret", GenerateSecret=True, ExplicitAuthFlows=AUTH_FLOWS
        )["UserPoolClient"]
        self.client_id = secret_client["ClientId"]
        self.client_secret = secret_client.get("ClientSecret")
        check(self.client_secret, "client created with GenerateSecret has no ClientSecret")

        public_client = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="public", GenerateSecret=False, ExplicitAuthFlows=AUTH_FLOWS
        )["UserPoolClient"]
        self.public_client_id = public_client["ClientId"]
        check("ClientSecret" not in public_client, "client created without GenerateSecret has a ClientSecret")

        self.idp.create_group(UserPoolId=self.pool_id, GroupName=GROUP, Description="boto3 e2e")
        self.note(f"pool {self.pool_id}, clients with and without secret, group {GROUP}")

    def create_user(self):
        temporary = "Temp-0rary-" + secrets.token_hex(4)
        user = self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=self.username,
            TemporaryPassword=temporary,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": self.email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )["User"]
        check(user["Username"] == self.username, f"AdminCreateUser returned Username {user['Username']!r}")
        check(user["UserStatus"] == "FORCE_CHANGE_PASSWORD", f"new user status {user['UserStatus']!r}, want FORCE_CHANGE_PASSWORD")

        challenge = self.idp.initiate_auth(
            ClientId=self.public_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": self.username, "PASSWORD": temporary},
        )
        check(challenge.get("ChallengeName") == "NEW_PASSWORD_REQUIRED", f"temporary password gave {challenge.get('ChallengeName')!r}, want NEW_PASSWORD_REQUIRED")
        check(challenge.get("Session"), "NEW_PASSWORD_REQUIRED challenge has no Session")

        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=self.username, Password=self.password, Permanent=True)
        status = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=self.username)["UserStatus"]
        check(status == "CONFIRMED", f"after a permanent password the status is {status!r}, want CONFIRMED")
        self.note(f"user {self.username}: temporary password challenged, permanent password set")

    # --- sign-in and tokens ---------------------------------------------------

    def sign_in(self):
        """USER_PASSWORD_AUTH on the client with a secret; returns AuthenticationResult."""
        result = self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": self.username,
                "PASSWORD": self.password,
                "SECRET_HASH": secret_hash(self.client_secret, self.username, self.client_id),
            },
        )
        check("ChallengeName" not in result, f"sign-in was challenged: {result.get('ChallengeName')}")
        auth = result["AuthenticationResult"]
        for field in ("AccessToken", "IdToken", "RefreshToken"):
            check(auth.get(field), f"AuthenticationResult has no {field}")
        check(auth.get("ExpiresIn") == 3600, f"ExpiresIn {auth.get('ExpiresIn')!r}, want 3600")
        check(auth.get("TokenType") == "Bearer", f"TokenType {auth.get('TokenType')!r}, want Bearer")
        return auth

    def refresh(self, refresh_token):
        return self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": refresh_token,
                "SECRET_HASH": secret_hash(self.client_secret, self.username, self.client_id),
            },
        )

    def check_sign_in_errors(self):
        expect_error("NotAuthorizedException", self.idp.initiate_auth, message=f"Client {self.client_id} is configured with secret but SECRET_HASH was not received", ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": self.username, "PASSWORD": self.password})
        expect_error("NotAuthorizedException", self.idp.initiate_auth, message=f"Unable to verify secret hash for client {self.client_id}", ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": self.username, "PASSWORD": self.password,
                            "SECRET_HASH": secret_hash("not-the-secret", self.username, self.client_id)})
        expect_error("NotAuthorizedException", self.idp.initiate_auth, message="Incorrect username or password.", ClientId=self.public_client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": self.username, "PASSWORD": self.password + "x"})
        expect_error("NotAuthorizedException", self.idp.get_user, message="Invalid Access Token", AccessToken="not-a-token")
        self.note("missing/wrong SECRET_HASH, wrong password and a garbage access token are refused")

    def discover(self):
        """Issuer and a JWKS client from the discovery document, nothing else."""
        expected_issuer = f"{self.identity_url}/{self.pool_id}"
        url = f"{expected_issuer}/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=10) as response:
            discovery = json.load(response)
        check(discovery.get("issuer") == expected_issuer, f"discovery issuer {discovery.get('issuer')!r}, want {expected_issuer!r}")
        check(discovery.get("jwks_uri"), "discovery document has no jwks_uri")
        check("RS256" in discovery.get("id_token_signing_alg_values_supported", []), "discovery does not list RS256")
        self.issuer = discovery["issuer"]
        self.jwks = jwt.PyJWKClient(discovery["jwks_uri"])
        self.note(f"discovery at {url}: issuer and jwks_uri {discovery['jwks_uri']}")

    def verify(self, token, audience=None):
        """Signature, algorithm, issuer, expiry (and audience, for ID tokens)."""
        check(jwt.get_unverified_header(token).get("kid"), "token header has no kid")
        key = self.jwks.get_signing_key_from_jwt(token).key
        options = {"require": ["exp", "iat", "iss", "sub"]}
        if audience is None:
            options["verify_aud"] = False
        return jwt.decode(token, key, algorithms=["RS256"], issuer=self.issuer, audience=audience, options=options)

    def check_tokens(self, auth, groups):
        id_claims = self.verify(auth["IdToken"], audience=self.client_id)
        want_id = {"token_use": "id", "cognito:username": self.username, "email": self.email, "email_verified": True}
        for name, value in want_id.items():
            check(id_claims.get(name) == value, f"ID token {name} = {id_claims.get(name)!r}, want {value!r}")

        access = self.verify(auth["AccessToken"])
        check("aud" not in access, f"access token has aud {access.get('aud')!r}; Cognito's has client_id only")
        want_access = {"token_use": "access", "client_id": self.client_id, "username": self.username,
                       "scope": "aws.cognito.signin.user.admin", "sub": id_claims["sub"]}
        for name, value in want_access.items():
            check(access.get(name) == value, f"access token {name} = {access.get(name)!r}, want {value!r}")

        for kind, claims in (("ID", id_claims), ("access", access)):
            got = claims.get("cognito:groups")
            if groups:
                check(got == groups, f"{kind} token cognito:groups = {got!r}, want {groups!r}")
            else:
                check(got is None, f"{kind} token has cognito:groups {got!r} for a user in no group")
        return id_claims

    def sign_in_and_use_tokens(self):
        auth = self.sign_in()
        claims = self.check_tokens(auth, groups=None)
        user = self.idp.get_user(AccessToken=auth["AccessToken"])
        check(user["Username"] == self.username, f"GetUser Username {user['Username']!r}")
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        check(attributes.get("email") == self.email, f"GetUser email {attributes.get('email')!r}")
        check(attributes.get("sub") == claims["sub"], f"GetUser sub {attributes.get('sub')!r}, ID token sub {claims['sub']!r}")
        self.note("USER_PASSWORD_AUTH with SECRET_HASH; ID token verified by PyJWT from discovery; GetUser agrees")

    def groups_and_refresh(self):
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=self.username, GroupName=GROUP)
        auth = self.sign_in()
        self.check_tokens(auth, groups=[GROUP])

        refreshed = self.refresh(auth["RefreshToken"])["AuthenticationResult"]
        check("RefreshToken" not in refreshed, "REFRESH_TOKEN_AUTH returned a new RefreshToken")
        for field in ("AccessToken", "IdToken"):
            check(refreshed.get(field), f"REFRESH_TOKEN_AUTH result has no {field}")
        self.check_tokens(refreshed, groups=[GROUP])
        self.refresh_token = auth["RefreshToken"]
        self.note(f"cognito:groups [{GROUP}] in new and refreshed tokens")

    # --- listing and sign-out -------------------------------------------------

    def list_users(self):
        prefix = f"alice-{self.tag}"
        for n in range(EXTRA_USERS):
            self.idp.admin_create_user(
                UserPoolId=self.pool_id, Username=f"{prefix}-{n}", MessageAction="SUPPRESS",
                TemporaryPassword="Temp-0rary-" + secrets.token_hex(4),
                UserAttributes=[{"Name": "email", "Value": f"{prefix}-{n}@example.com"}],
            )
        self.idp.admin_create_user(
            UserPoolId=self.pool_id, Username=f"bob-{self.tag}", MessageAction="SUPPRESS",
            TemporaryPassword="Temp-0rary-" + secrets.token_hex(4),
            UserAttributes=[{"Name": "email", "Value": f"bob-{self.tag}@example.com"}],
        )

        exact = self.idp.list_users(UserPoolId=self.pool_id, Filter=f'email = "{self.email}"')["Users"]
        check([u["Username"] for u in exact] == [self.username], f'email = filter found {[u["Username"] for u in exact]}')

        seen, pages, token = [], 0, None
        while True:
            kwargs = {"UserPoolId": self.pool_id, "Filter": f'email ^= "{prefix}"', "Limit": PAGE_SIZE}
            if token:
                kwargs["PaginationToken"] = token
            page = self.idp.list_users(**kwargs)
            pages += 1
            check(len(page["Users"]) <= PAGE_SIZE, f"page of {len(page['Users'])} users exceeds Limit {PAGE_SIZE}")
            seen += [u["Username"] for u in page["Users"]]
            token = page.get("PaginationToken")
            if not token:
                break
            check(pages < 10, "ListUsers keeps returning a PaginationToken")
        want = sorted([self.username] + [f"{prefix}-{n}" for n in range(EXTRA_USERS)])
        check(sorted(seen) == want, f"email ^= filter over {pages} pages found {sorted(seen)}, want {want}")
        check(len(seen) == len(set(seen)), f"pagination repeated users: {seen}")
        check(pages >= 3, f"{len(want)} users with Limit {PAGE_SIZE} came in {pages} page(s)")
        self.note(f"ListUsers: exact filter, prefix filter over {pages} pages of {PAGE_SIZE}")

    def global_sign_out(self):
        self.idp.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=self.username)
        expect_error("NotAuthorizedException", self.idp.initiate_auth, message="Refresh Token has been revoked", ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": self.refresh_token,
                            "SECRET_HASH": secret_hash(self.client_secret, self.username, self.client_id)})
        self.note("AdminUserGlobalSignOut revokes the refresh token")

    def run(self):
        self.create_pool_and_clients()
        self.create_user()
        self.discover()
        self.check_sign_in_errors()
        self.sign_in_and_use_tokens()
        self.groups_and_refresh()
        self.list_users()
        self.global_sign_out()


def main():
    return run(Flow, f"boto3 {boto3.__version__} + PyJWT {jwt.__version__} against {{url}}", errors=(jwt.PyJWTError,))


if __name__ == "__main__":
    sys.exit(main())
