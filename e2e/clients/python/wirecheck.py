"""What every client script here shares: how a mismatch is reported."""

import os
import sys

from botocore.exceptions import ClientError


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


def expect_error(code, call, **kwargs):
    """Call a boto3 operation that must fail with the AWS error code, and a
    message; returns the error response."""
    from botocore.exceptions import ClientError

    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]
        check(got.get("Code") == code, f"{call.__name__}: want {code}, got {got}")
        check(got.get("Message"), f"{call.__name__}: {code} without a message")
        return e.response
    raise Mismatch(f"{call.__name__} succeeded; want {code}")


def fail(flow, reason):
    """Report a failure with what had passed before it; returns the exit code."""
    done = "; ".join(flow.summary) if flow and flow.summary else "nothing"
    print(f"FAIL: {reason}\n(passed before the failure: {done})", file=sys.stderr)
    return 1


def run_flow(make_flow, banner, errors=()):
    """Run make_flow().run(), print banner(flow) and the flow's summary, and
    return the exit code; a mismatch, a client error or one of errors is a
    failure naming what passed before it."""
    from botocore.exceptions import BotoCoreError

    flow = None
    try:
        flow = make_flow()
        flow.run()
    except KeyError as e:
        return fail(flow, f"a response lacks the field {e}")
    except (Mismatch, ClientError, BotoCoreError, OSError) + tuple(errors) as e:
        return fail(flow, f"{type(e).__name__}: {e}")
    print(banner(flow))
    for line in flow.summary:
        print("  ok:", line)
    return 0


def expect_error(code, call, message=None, contains=None, **kwargs):
    """Call must fail with this error code, and this message (or one holding
    contains) when given."""
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]
        ok = got.get("Code") == code and (message is None or got.get("Message") == message) and \
            (contains is None or contains in got.get("Message", ""))
        check(ok, f"{call.__name__}: want {code} {message or contains or ''}, got {got}")
        return
    raise Mismatch(f"{call.__name__} succeeded; want {code}")
