"""User-pool triggers the trigger e2e test deploys (python3.12), one
handler per trigger. Each writes the event it got to $EVENTS_DIR, named by
its triggerSource, for the test to read back."""

import json
import os
import time


def record(event):
    with open(os.path.join(os.environ["EVENTS_DIR"], event["triggerSource"] + ".json"), "w") as f:
        json.dump(event, f)


def pre_sign_up(event, context):
    record(event)
    email = event["request"]["userAttributes"].get("email", "")
    if email.endswith("@blocked.example"):
        raise Exception("Registration from this domain is not allowed.")
    if email.endswith("@invited.example"):
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event


def post_confirmation(event, context):
    record(event)
    return event


def pre_authentication(event, context):
    record(event)
    if event["userName"].startswith("banned"):
        raise Exception("This user is banned.")
    return event


def post_authentication(event, context):
    record(event)
    return event


def user_migration(event, context):
    record(event)
    legacy = {"legacy-ann": ("Legacy-Pass-1!", "ann@legacy.example")}
    known = legacy.get(event["userName"])
    signing_in = event["triggerSource"] == "UserMigration_Authentication"
    if known is None or signing_in and event["request"]["password"] != known[0]:
        raise Exception("Bad password")
    event["response"]["userAttributes"] = {"email": known[1], "email_verified": "true"}
    event["response"]["finalUserStatus"] = "CONFIRMED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event


def custom_message(event, context):
    record(event)
    if event["triggerSource"] == "CustomMessage_SignUp":
        code = event["request"]["codeParameter"]
        event["response"]["emailSubject"] = "Welcome to Acme"
        event["response"]["emailMessage"] = "Hello " + event["userName"] + ", your Acme code is " + code + "."
    if event["triggerSource"] == "CustomMessage_ResendCode":
        event["response"]["emailMessage"] = "A message without the code"  # Cognito refuses it
    return event


def pre_token_v1(event, context):
    record(event)
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"plan": "v1", "email": "overridden@example.com", "sub": "forged"},
        "claimsToSuppress": ["email_verified"],
        "groupOverrideDetails": {"groupsToOverride": ["readers"]},
    }
    return event


def sleepy(event, context):
    time.sleep(6)
    return event


def garbage(event, context):
    return "not an event"
