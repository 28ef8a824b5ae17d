"""Second factors against a running moat with boto3 and pyotp, as an app would.

TOTP: enrolment (AssociateSoftwareToken, VerifySoftwareToken with a pyotp
code), SetUserMFAPreference, sign-in answered with SOFTWARE_TOKEN_MFA, a wrong
code (CodeMismatchException) and a replayed one refused. A pool with MFA ON:
a new user gets MFA_SETUP and sets a token up with the session. Email: a pool
whose only factor is EMAIL_OTP (set up by the caller, as Debian's botocore
predates EmailMfaConfiguration) asks for the code the SMTP sink received.
USER_AUTH in that pool: the emailed code as the only factor (no MFA after
it, though the pool requires MFA), and SELECT_CHALLENGE's AvailableChallenges
for a user with and without an email address.

Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_MAILBOX_URL (GET /code?to=<address> waits
for the next mail), MOAT_EMAIL_POOL_ID. Exits 1 naming the first mismatch.
"""

import json
import secrets
import sys
import time

import boto3
import pyotp
from wirecheck import admin_client, check, code_for, env, expect_error, run

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]




def keep_available_challenges(http_response, parsed, **_):
    if "AvailableChallenges" not in parsed and http_response.status_code == 200:
        available = json.loads(http_response.content).get("AvailableChallenges")
        if available is not None:
            parsed["AvailableChallenges"] = available




class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL").rstrip("/")
        self.idp = admin_client("cognito-idp", self.identity_url)
        # Debian's botocore predates AvailableChallenges: read it from the
        # response body as newer botocore would parse it.
        self.idp.meta.events.register("after-call.cognito-idp.InitiateAuth", keep_available_challenges)
        self.tag = secrets.token_hex(4)
        self.password = "Corr3ct-Horse-" + secrets.token_hex(4)
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def pool(self, mode):
        pool_id = self.idp.create_user_pool(PoolName=f"mfa-{mode.lower()}-{self.tag}")["UserPool"]["Id"]
        got = self.idp.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration=mode, SoftwareTokenMfaConfiguration={"Enabled": True}
        )
        check(got.get("MfaConfiguration") == mode, f"SetUserPoolMfaConfig answered {got}")
        check(got.get("SoftwareTokenMfaConfiguration") == {"Enabled": True}, f"SetUserPoolMfaConfig answered {got}")
        read = self.idp.get_user_pool_mfa_config(UserPoolId=pool_id)
        check(read.get("MfaConfiguration") == mode, f"GetUserPoolMfaConfig answered {read}")
        return pool_id

    def client(self, pool_id, flows=PASSWORD_FLOWS):
        return self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=flows)[
            "UserPoolClient"
        ]["ClientId"]

    def user(self, pool_id, username, email=None):
        attrs = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}] if email else []
        self.idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=attrs)
        self.idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=self.password, Permanent=True)

    def sign_in(self, client_id, username):
        return self.idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": self.password}
        )

    # --- TOTP under OPTIONAL --------------------------------------------------

    def totp(self):
        pool_id = self.pool("OPTIONAL")
        client_id = self.client(pool_id)
        username = f"tom-{self.tag}"
        self.user(pool_id, username)
        first = self.sign_in(client_id, username)
        check("AuthenticationResult" in first, f"sign-in before enrolment was challenged: {first.get('ChallengeName')}")
        access = first["AuthenticationResult"]["AccessToken"]

        secret = self.idp.associate_software_token(AccessToken=access)["SecretCode"]
        check(len(secret) >= 16, f"SecretCode {secret!r} is shorter than 16 characters")
        totp = pyotp.TOTP(secret)  # SHA-1, six digits, 30 s: what authenticator apps assume
        now = time.time()
        expect_error("EnableSoftwareTokenMFAException", self.idp.verify_software_token, message="Code mismatch and fail enable Software Token MFA", AccessToken=access, UserCode=f"{(int(totp.at(now)) + 1) % 1000000:06d}")
        verified = self.idp.verify_software_token(AccessToken=access, UserCode=totp.at(now), FriendlyDeviceName="pyotp")
        check(verified.get("Status") == "SUCCESS", f"VerifySoftwareToken answered {verified}")
        self.idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
        me = self.idp.get_user(AccessToken=access)
        check(me.get("UserMFASettingList") == ["SOFTWARE_TOKEN_MFA"], f"GetUser UserMFASettingList {me.get('UserMFASettingList')}")
        check(me.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA", f"GetUser PreferredMfaSetting {me.get('PreferredMfaSetting')}")
        self.note("TOTP enrolment: AssociateSoftwareToken, a wrong code refused, VerifySoftwareToken with pyotp, preference set")

        # The verification spent the current step: sign in with the next one's code.
        challenge = self.sign_in(client_id, username)
        check(challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"sign-in with TOTP on gave {challenge.get('ChallengeName')}")
        check(challenge.get("Session"), "SOFTWARE_TOKEN_MFA challenge has no Session")
        answer = dict(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"])
        wrong = f"{(int(totp.at(now + 30)) + 1) % 1000000:06d}"
        expect_error("CodeMismatchException", self.idp.respond_to_auth_challenge, message="Invalid code received for user", ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": wrong}, **answer)
        code = totp.at(now + 30)
        done = self.idp.respond_to_auth_challenge(ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}, **answer)
        check(done.get("AuthenticationResult", {}).get("AccessToken"), f"right TOTP code gave {done}")
        self.note("SOFTWARE_TOKEN_MFA: a wrong code is CodeMismatchException, the right one signs in")

        replay = self.sign_in(client_id, username)
        expect_error("CodeMismatchException", self.idp.respond_to_auth_challenge, ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=replay["Session"], ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code})
        self.note("a code already used is refused in a new sign-in")

    # --- MFA ON: setup while signing in -----------------------------------------

    def setup(self):
        pool_id = self.pool("ON")
        client_id = self.client(pool_id)
        username = f"nina-{self.tag}"
        self.user(pool_id, username)
        setup = self.sign_in(client_id, username)
        check(setup.get("ChallengeName") == "MFA_SETUP", f"MFA ON, new user: {setup.get('ChallengeName')}, want MFA_SETUP")
        check("SOFTWARE_TOKEN_MFA" in setup["ChallengeParameters"].get("MFAS_CAN_SETUP", ""), f"MFAS_CAN_SETUP {setup['ChallengeParameters']}")
        assoc = self.idp.associate_software_token(Session=setup["Session"])
        check(assoc.get("Session"), "AssociateSoftwareToken with a Session returned none")
        verified = self.idp.verify_software_token(Session=assoc["Session"], UserCode=pyotp.TOTP(assoc["SecretCode"]).now())
        check(verified.get("Status") == "SUCCESS" and verified.get("Session"), f"VerifySoftwareToken answered {verified}")
        done = self.idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="MFA_SETUP", Session=verified["Session"], ChallengeResponses={"USERNAME": username}
        )
        check(done.get("AuthenticationResult", {}).get("IdToken"), f"MFA_SETUP answered {done}")
        again = self.sign_in(client_id, username)
        check(again.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", f"after setup, sign-in gave {again.get('ChallengeName')}")
        self.note("MFA ON: a new user gets MFA_SETUP, sets a token up with the session, and is asked for it next time")

    # --- EMAIL_OTP MFA through a real SMTP server --------------------------------

    def email(self):
        pool_id = env("MOAT_EMAIL_POOL_ID")
        client_id = self.client(pool_id)
        username = f"emma-{self.tag}"
        address = f"{username}@example.com"
        self.user(pool_id, username, address)
        challenge = self.sign_in(client_id, username)
        check(challenge.get("ChallengeName") == "EMAIL_OTP", f"email MFA: {challenge.get('ChallengeName')}, want EMAIL_OTP")
        params = challenge["ChallengeParameters"]
        check(params.get("CODE_DELIVERY_DELIVERY_MEDIUM") == "EMAIL", f"challenge parameters {params}")
        check(params.get("CODE_DELIVERY_DESTINATION") == username[0] + "***@e***", f"challenge parameters {params}")
        code = code_for(address)
        done = self.idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="EMAIL_OTP", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code},
        )
        check(done.get("AuthenticationResult", {}).get("AccessToken"), f"the mailed code gave {done}")
        self.note("EMAIL_OTP MFA: the code the SMTP server received signs in")

    # --- USER_AUTH: the first factor chosen per sign-in ------------------------

    def user_auth(self):
        pool_id = env("MOAT_EMAIL_POOL_ID")
        client_id = self.client(pool_id, ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        username = f"otto-{self.tag}"
        address = f"{username}@example.com"
        self.user(pool_id, username, address)
        start = self.idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, "PREFERRED_CHALLENGE": "EMAIL_OTP"}
        )
        check(start.get("ChallengeName") == "EMAIL_OTP", f"USER_AUTH preferring EMAIL_OTP gave {start.get('ChallengeName')}")
        done = self.idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="EMAIL_OTP", Session=start["Session"],
            ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code_for(address)},
        )
        check(done.get("AuthenticationResult", {}).get("AccessToken"), f"the emailed code as the only factor gave {done}")
        self.note("USER_AUTH with EMAIL_OTP as the only factor: signed in, no MFA after it in a pool requiring MFA")

        offer = self.idp.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username})
        check(offer.get("ChallengeName") == "SELECT_CHALLENGE", f"USER_AUTH without a preference gave {offer.get('ChallengeName')}")
        want = ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
        check(offer.get("AvailableChallenges") == want, f"AvailableChallenges {offer.get('AvailableChallenges')}, want {want}")
        no_email = f"pia-{self.tag}"
        self.user(pool_id, no_email)
        other = self.idp.initiate_auth(ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": no_email})
        check(other.get("AvailableChallenges") == ["PASSWORD", "PASSWORD_SRP"], f"a user without email: {other.get('AvailableChallenges')}")
        chosen = self.idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="SELECT_CHALLENGE", Session=offer["Session"],
            ChallengeResponses={"USERNAME": username, "ANSWER": "EMAIL_OTP"},
        )
        check(chosen.get("ChallengeName") == "EMAIL_OTP", f"choosing EMAIL_OTP gave {chosen.get('ChallengeName')}")
        code_for(address)  # drain the code this choice sent
        self.note("SELECT_CHALLENGE lists what each user has; its ANSWER leads to that challenge")

    def run(self):
        self.totp()
        self.setup()
        self.email()
        self.user_auth()


def main():
    return run(Flow, f"boto3 {boto3.__version__} + pyotp against {{url}}")


if __name__ == "__main__":
    sys.exit(main())
