"""Drive a running moat's CustomEmailSender with boto3: the function (Go,
created through the Lambda API) gets every code sealed, opens it with the
key moat gives its workers and writes it to MOAT_EVENTS_DIR; the codes it
opens confirm a sign-up and reset a password, and a user it is told of
signs in with the temporary password it opened. The test checks that moat
mailed nothing.

Environment: MOAT_IDENTITY_URL, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_ROLE_ARN, MOAT_SENDER_ZIP,
MOAT_EVENTS_DIR. Exits 1 naming the first mismatch.
"""

import json
import os
import secrets
import sys
import time

import boto3
from triggerfns import admin_clients, create_trigger_function
from wirecheck import check, env, expect_error, run

PASSWORD = "Sender-Pass-1!"
KEY = "arn:aws:kms:us-east-1:000000000000:key/moat-sender"


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL")
        self.fn, self.idp = admin_clients("lambda", "cognito-idp")
        self.events_dir = env("MOAT_EVENTS_DIR")
        self.summary = []

    def sent(self, source, username):
        """What the function wrote for source and username, once the queued
        invocation has run."""
        path = os.path.join(self.events_dir, f"{source}-{username}.json")
        deadline = time.monotonic() + 30
        while not os.path.exists(path):
            check(time.monotonic() < deadline, f"the sender got no {source} for {username}")
            time.sleep(0.1)
        with open(path) as f:
            got = json.load(f)
        e = got["event"]
        check(e["version"] == "1" and e["triggerSource"] == source and e["region"] == "us-east-1"
              and e["userPoolId"] == self.pool_id and e["userName"] == username, f"{source} header: {e}")
        check(e["request"]["type"] == "customEmailSenderRequestV1" and e["request"]["code"] != got["code"],
              f"{source} request: {e['request']}")
        return got

    def setup(self):
        arn = create_trigger_function(self.fn, "email-sender", "provided.al2023", "bootstrap", env("MOAT_SENDER_ZIP"), 3,
                                      {"EVENTS_DIR": self.events_dir})
        config = {"CustomEmailSender": {"LambdaArn": arn, "LambdaVersion": "V1_0"}, "KMSKeyID": KEY}
        expect_error("InvalidParameterException", self.idp.create_user_pool, contains="KMSKeyID",
                     PoolName="no-key", LambdaConfig={"CustomEmailSender": config["CustomEmailSender"]})
        pool = self.idp.create_user_pool(PoolName="senders-" + secrets.token_hex(3), AutoVerifiedAttributes=["email"],
                                         LambdaConfig=config)["UserPool"]
        self.pool_id = pool["Id"]
        got = self.idp.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]["LambdaConfig"]
        check(got == config, f"DescribeUserPool LambdaConfig {got}, want {config}")
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        self.summary.append("CustomEmailSender needs KMSKeyID, is stored and described")

    def sign_up(self):
        got = self.idp.sign_up(ClientId=self.client_id, Username="nora", Password=PASSWORD,
                               UserAttributes=[{"Name": "email", "Value": "nora@example.com"}], ClientMetadata={"campaign": "spring"})
        check(got["CodeDeliveryDetails"] == {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
              f"SignUp CodeDeliveryDetails {got.get('CodeDeliveryDetails')}")
        sent = self.sent("CustomEmailSender_SignUp", "nora")
        request = sent["event"]["request"]
        check(request["clientMetadata"] == {"campaign": "spring"} and request["userAttributes"]["email"] == "nora@example.com"
              and sent["event"]["callerContext"]["clientId"] == self.client_id, f"SignUp event: {sent['event']}")
        self.idp.confirm_sign_up(ClientId=self.client_id, Username="nora", ConfirmationCode=sent["code"])
        self.summary.append("CustomEmailSender_SignUp: the opened code confirms the user")

    def forgot_password(self):
        got = self.idp.forgot_password(ClientId=self.client_id, Username="nora")
        check(got["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL", f"ForgotPassword {got}")
        sent = self.sent("CustomEmailSender_ForgotPassword", "nora")
        self.idp.confirm_forgot_password(ClientId=self.client_id, Username="nora", ConfirmationCode=sent["code"],
                                         Password="Sender-Pass-2!")
        self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "nora", "PASSWORD": "Sender-Pass-2!"})["AuthenticationResult"]
        self.summary.append("CustomEmailSender_ForgotPassword: the opened code resets the password")

    def invitation(self):
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username="otto",
                                   UserAttributes=[{"Name": "email", "Value": "otto@example.com"}])
        sent = self.sent("CustomEmailSender_AdminCreateUser", "otto")
        check(sent["event"]["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE", f"AdminCreateUser event: {sent['event']}")
        got = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": "otto", "PASSWORD": sent["code"]})
        check(got.get("ChallengeName") == "NEW_PASSWORD_REQUIRED", f"the opened temporary password: {got}")
        self.summary.append("CustomEmailSender_AdminCreateUser: the opened temporary password signs in")

    def run(self):
        self.setup()
        self.sign_up()
        self.forgot_password()
        self.invitation()


if __name__ == "__main__":
    sys.exit(run(Flow, f"boto3 {boto3.__version__} against {{url}}"))
