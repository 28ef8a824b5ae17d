"""Sign an ethers wallet in with boto3 through custom-challenge triggers.

Creates examples/wallet-lambdas' three Node.js functions through the Lambda
API, sets them as the pool's Define/Create/VerifyAuthChallenge triggers,
and signs in with InitiateAuth CUSTOM_AUTH and RespondToAuthChallenge, the
wallet (ethers, through clients/node/wallet_sign.mjs) signing the nonce
message; a wrong signer is refused, and three wrong answers end the
session. Leaves the pool and a user for the amazon-cognito-identity-js run
that follows, printing their ids (and the test wallet's key) as JSON on
the line after its banner.

Environment: MOAT_IDENTITY_URL, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_ROLE_ARN, MOAT_DEFINE_ZIP,
MOAT_CREATE_ZIP, MOAT_VERIFY_ZIP, MOAT_NODE. Exits 1 naming the first mismatch.
"""

import json
import os
import subprocess
import sys

import boto3
import jwt
from triggerfns import admin_clients, create_trigger_function
from wirecheck import check, env, expect_error, run

PASSWORD = "Wallet-Pass-1!"  # for the run that proves a password first (SRP_A)
HERE = os.path.dirname(os.path.abspath(__file__))
SIGNER = os.path.join(HERE, "..", "node", "wallet_sign.mjs")


def node(**variables):
    out = subprocess.run([env("MOAT_NODE"), SIGNER], env=dict(os.environ, **variables),
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def new_wallet():
    return json.loads(node())


def sign(key, message):
    return node(MOAT_WALLET_KEY=key, MOAT_MESSAGE=message)


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL")
        self.fn, self.idp = admin_clients("lambda", "cognito-idp")
        self.summary = []

    def create(self, name, zip_path):
        return create_trigger_function(self.fn, name, "nodejs20.x", "index.handler", zip_path, 5, {"APP_NAME": "moat e2e"})

    def setup(self):
        config = {
            "DefineAuthChallenge": self.create("define-auth-challenge", env("MOAT_DEFINE_ZIP")),
            "CreateAuthChallenge": self.create("create-auth-challenge", env("MOAT_CREATE_ZIP")),
            "VerifyAuthChallengeResponse": self.create("verify-auth-challenge", env("MOAT_VERIFY_ZIP")),
        }
        self.pool_id = self.idp.create_user_pool(PoolName="wallet-lambdas", LambdaConfig=config)["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="dapp",
            ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        self.wallet = new_wallet()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=self.wallet["address"], MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=self.wallet["address"], Password=PASSWORD, Permanent=True)
        self.summary.append("three Node.js (ethers) functions as Define/Create/VerifyAuthChallenge")

        partial = self.idp.create_user_pool(PoolName="partial", LambdaConfig={"DefineAuthChallenge": config["DefineAuthChallenge"]})["UserPool"]["Id"]
        client = self.idp.create_user_pool_client(UserPoolId=partial, ClientName="dapp",
                                                  ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"])["UserPoolClient"]["ClientId"]
        expect_error("InvalidParameterException", self.idp.initiate_auth,
                     message="Custom auth lambda trigger is not configured for the user pool.",
                     ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": self.wallet["address"]})

    def start(self):
        got = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="CUSTOM_AUTH",
                                     AuthParameters={"USERNAME": self.wallet["address"]})
        check(got["ChallengeName"] == "CUSTOM_CHALLENGE", f"InitiateAuth: {got}")
        params = got["ChallengeParameters"]
        check(params["USERNAME"] == self.wallet["address"] and params["nonce"] in params["message"], f"ChallengeParameters: {params}")
        return got

    def answer(self, challenge, signature):
        return self.idp.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": challenge["ChallengeParameters"]["USERNAME"], "ANSWER": signature})

    def sign_in(self):
        challenge = self.start()
        done = self.answer(challenge, sign(self.wallet["key"], challenge["ChallengeParameters"]["message"]))
        claims = jwt.decode(done["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
        check(claims["cognito:username"] == self.wallet["address"], f"ID token: {claims}")
        self.summary.append("the wallet's signature of the nonce message signs it in")

    def wrong_signer(self):
        mallory = new_wallet()
        challenge = self.start()
        again = challenge
        for round_ in range(1, 3):
            again = self.answer(again, sign(mallory["key"], again["ChallengeParameters"]["message"]))
            check(again.get("ChallengeName") == "CUSTOM_CHALLENGE" and again["ChallengeParameters"]["message"] != challenge["ChallengeParameters"]["message"],
                  f"wrong answer {round_}: want a new challenge, got {again}")
        expect_error("NotAuthorizedException", self.answer, challenge=again,
                     signature=sign(mallory["key"], again["ChallengeParameters"]["message"]))
        self.summary.append("another wallet's signature is refused; the third wrong answer ends the session")

    def run(self):
        self.setup()
        self.sign_in()
        self.wrong_signer()


def banner(flow):
    ids = json.dumps({"pool": flow.pool_id, "client": flow.client_id, "key": flow.wallet["key"]})
    return f"boto3 {boto3.__version__} against {flow.identity_url}: all checks passed\n{ids}"


if __name__ == "__main__":
    sys.exit(run(Flow, banner, errors=(jwt.PyJWTError, subprocess.CalledProcessError)))
