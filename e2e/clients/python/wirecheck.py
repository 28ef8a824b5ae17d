"""What every client script here shares: how a mismatch is reported, how
an expected AWS error is checked, an admin-signed client, and how a flow is
run and summed up."""

import os
import sys
import urllib.parse
import urllib.request

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


class Mismatch(Exception):
    """moat answered, but not as AWS would."""


def check(condition, message):
    if not condition:
        raise Mismatch(message)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise Mismatch(f"environment variable {name} is not set")
    return value


def expect_error(code, call, message=None, contains=None, status=None, **kwargs):
    """Call a boto3 operation that must fail with the AWS error code, a
    message (this one, or one holding contains, when given) and the HTTP
    status when given; returns the error response."""
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        text = got.get("Message", "")
        ok = got.get("Code") == code and text and (message is None or text == message) and \
            (contains is None or contains in text) and (status is None or got_status == status)
        check(ok, f"{call.__name__}: want {code} {status or ''} {message or contains or ''}, got {got} ({got_status})")
        return e.response
    raise Mismatch(f"{call.__name__} succeeded; want {code}")


def admin_client(service, endpoint_url=None, session=None, signed=True):
    """A boto3 client (of session, when given) for service at endpoint_url
    (MOAT_IDENTITY_URL when None) in MOAT_REGION, signed with the admin
    credentials (signed=False: signing nothing, as a public app calls),
    making one attempt: an error must reach us as moat sent it."""
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10)
    if not signed:
        config = config.merge(Config(signature_version=UNSIGNED))
    return (session or boto3).client(
        service,
        endpoint_url=endpoint_url or env("MOAT_IDENTITY_URL"),
        region_name=env("MOAT_REGION"),
        aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
        aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"),
        config=config,
    )


def cognito_clients():
    """An admin-signed and an unsigned ("public", as an app in the field
    calls) cognito-idp client for MOAT_IDENTITY_URL in MOAT_REGION, each
    making one attempt."""
    cfg = Config(retries={"max_attempts": 1})
    common = dict(endpoint_url=env("MOAT_IDENTITY_URL"), region_name=env("MOAT_REGION"))
    admin = boto3.client("cognito-idp", aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
                         aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"), config=cfg, **common)
    public = boto3.client("cognito-idp", config=cfg.merge(Config(signature_version=UNSIGNED)), **common)
    return admin, public


def run_checks(main):
    """Run main, a script's checks that prints its own summary; a mismatch
    or an AWS error is reported as FAIL, with exit code 1."""
    try:
        main()
    except (Mismatch, ClientError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)


def code_for(address):
    """The latest code mailed to address, read from the test's SMTP sink."""
    url = env("MOAT_MAILBOX_URL") + "/code?" + urllib.parse.urlencode({"to": address})
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.read().decode().strip()


def fail(flow, reason):
    """Report a failure with what had passed before it; returns the exit code."""
    done = "; ".join(flow.summary) if flow and flow.summary else "nothing"
    print(f"FAIL: {reason}\n(passed before the failure: {done})", file=sys.stderr)
    return 1


def run(make_flow, banner, step=None, errors=()):
    """Build a flow and run it (step(flow), or flow.run()); print banner
    (formatted with the flow's identity_url as {url}, then ": all checks
    passed"; or, a function, banner(flow) as it is) and what passed, or the
    failure; returns the exit code."""
    flow = None
    try:
        flow = make_flow()
        if step is None:
            flow.run()
        else:
            step(flow)
    except KeyError as e:
        return fail(flow, f"a response lacks the field {e}")
    except (Mismatch, ClientError, BotoCoreError, OSError, *errors) as e:
        return fail(flow, f"{type(e).__name__}: {e}")
    if callable(banner):
        print(banner(flow))
    else:
        print(banner.format(url=getattr(flow, "identity_url", "moat")) + ": all checks passed")
    for line in flow.summary:
        print("  ok:", line)
    return 0
