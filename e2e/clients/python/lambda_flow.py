"""Drive a running moat's Lambda API with boto3's lambda client.

Creates a Go (provided.al2023), a Node.js and a Python function from zips,
invokes each (RequestResponse, Event, DryRun, LogType Tail), updates the Go
function's code and sees the new build answer, and checks a timeout, a
handler error and a worker exiting mid-invocation as Lambda reports them. Leaves go-fn and go-authorizer for
the gateway checks that follow.

Environment: MOAT_IDENTITY_URL, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_ROLE_ARN, MOAT_GO_ZIP, MOAT_GO_ZIP_V2,
MOAT_NODE_ZIP, MOAT_PYTHON_ZIP. Exits 1 naming the first mismatch.
"""

import base64
import json
import sys
import time

import boto3
from botocore.config import Config
from wirecheck import check, env, run


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Flow:
    def __init__(self):
        self.identity_url = env("MOAT_IDENTITY_URL")
        self.client = boto3.client(
            "lambda", endpoint_url=self.identity_url, region_name="us-east-1",
            aws_access_key_id=env("MOAT_ADMIN_ACCESS_KEY_ID"),
            aws_secret_access_key=env("MOAT_ADMIN_SECRET_ACCESS_KEY"),
            config=Config(retries={"max_attempts": 1}, read_timeout=30))
        self.role = env("MOAT_ROLE_ARN")
        self.summary = []

    def create(self, name, runtime, handler, zip_path, timeout=3):
        got = self.client.create_function(
            FunctionName=name, Runtime=runtime, Role=self.role, Handler=handler,
            Code={"ZipFile": read(zip_path)}, Timeout=timeout)
        check(got["FunctionName"] == name, f"create_function {name}: {got}")
        check(got["Runtime"] == runtime, f"create_function {name} runtime: {got}")
        check(got["FunctionArn"].endswith(":function:" + name), f"create_function {name} arn: {got}")

    def invoke(self, name, event, **kwargs):
        got = self.client.invoke(FunctionName=name, Payload=json.dumps(event).encode(), **kwargs)
        body = got["Payload"].read()
        return got, (json.loads(body) if body else None)

    def run_function(self, name, runtime_label, error_type):
        got, answer = self.invoke(name, {"hello": name})
        check(got["StatusCode"] == 200 and "FunctionError" not in got, f"{name} invoke: {got}")
        check(answer["runtime"] == runtime_label and answer["event"] == {"hello": name}, f"{name} answer: {answer}")

        got, _ = self.invoke(name, {"hello": "tail"}, LogType="Tail")
        log = base64.b64decode(got["LogResult"]).decode()
        check(f"{runtime_label} handler invoked" in log, f"{name} tail lacks the handler's line: {log!r}")
        check("START RequestId:" in log and "REPORT RequestId:" in log, f"{name} tail lacks START/REPORT: {log!r}")

        got, _ = self.invoke(name, {"hello": "event"}, InvocationType="Event")
        check(got["StatusCode"] == 202, f"{name} Event invoke: {got}")

        got, _ = self.invoke(name, {}, InvocationType="DryRun")
        check(got["StatusCode"] == 204, f"{name} DryRun: {got}")

        got, answer = self.invoke(name, {"mode": "fail"})
        check(got["StatusCode"] == 200 and got.get("FunctionError") == "Unhandled", f"{name} failing invoke: {got}")
        check(answer["errorType"] == error_type and "handler failed" in answer["errorMessage"],
              f"{name} error answer: {answer}")
        self.summary.append(f"{name}: RequestResponse, Tail, Event, DryRun, Unhandled {error_type}")

    def run(self):
        self.create("go-fn", "provided.al2023", "bootstrap", env("MOAT_GO_ZIP"))
        self.create("go-authorizer", "provided.al2023", "bootstrap", env("MOAT_GO_ZIP"))
        self.create("node-fn", "nodejs20.x", "index.handler", env("MOAT_NODE_ZIP"))
        self.create("py-fn", "python3.12", "lambda_function.handler", env("MOAT_PYTHON_ZIP"))
        self.create("slow-fn", "python3.12", "lambda_function.handler", env("MOAT_PYTHON_ZIP"), timeout=1)

        self.run_function("go-fn", "go", "errorString")
        self.run_function("node-fn", "node", "Error")
        self.run_function("py-fn", "python", "ValueError")

        got = self.client.update_function_code(FunctionName="go-fn", ZipFile=read(env("MOAT_GO_ZIP_V2")))
        check(got["FunctionName"] == "go-fn", f"update_function_code: {got}")
        deadline = time.time() + 10
        while True:
            _, answer = self.invoke("go-fn", {"hello": "again"})
            if answer.get("version") == "v2":
                break
            check(time.time() < deadline, f"go-fn still answers {answer} after UpdateFunctionCode")
            time.sleep(0.2)
        self.summary.append("UpdateFunctionCode: the new build answers")

        got, answer = self.invoke("slow-fn", {"mode": "sleep", "sleep": 3})
        check(got.get("FunctionError") == "Unhandled", f"timed-out invoke: {got}")
        check("Task timed out after 1.00 seconds" in answer["errorMessage"], f"timeout answer: {answer}")
        self.summary.append("timeout: Task timed out after 1.00 seconds")

        _, before = self.invoke("py-fn", {"hello": "pid"})
        got, answer = self.invoke("py-fn", {"mode": "crash"})
        check(got.get("FunctionError") == "Unhandled", f"crashed invoke: {got}")
        check(answer["errorType"] == "Runtime.ExitError", f"crash answer: {answer}")
        _, after = self.invoke("py-fn", {"hello": "after"})
        check(after["event"] == {"hello": "after"} and after["pid"] != before["pid"],
              f"after a crash: {after}, before {before}; want a fresh worker")
        self.summary.append("a worker exiting mid-invocation: Runtime.ExitError, then a fresh worker")

        self.create("go-throttled", "provided.al2023", "bootstrap", env("MOAT_GO_ZIP"))
        self.client.put_function_concurrency(FunctionName="go-throttled", ReservedConcurrentExecutions=0)
        try:
            self.invoke("go-throttled", {})
            raise Mismatch("go-throttled with reserved concurrency 0 was invoked")
        except self.client.exceptions.TooManyRequestsException as e:
            err = e.response
            check(err["ResponseMetadata"]["HTTPStatusCode"] == 429, f"throttle status: {err}")
            check(err["Error"]["Message"] == "Rate Exceeded.", f"throttle message: {err}")
            check(err.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded", f"throttle reason: {err}")
        self.summary.append("reserved concurrency 0: TooManyRequestsException 429 Rate Exceeded.")

        # go-fn may be invoked by this REST API's routes only; go-private by another API's.
        self.client.add_permission(FunctionName="go-fn", StatementId="orders-api", Action="lambda:InvokeFunction",
                                   Principal="apigateway.amazonaws.com",
                                   SourceArn="arn:aws:execute-api:us-east-1:000000000000:*/*/GET/orders/*")
        self.create("go-private", "provided.al2023", "bootstrap", env("MOAT_GO_ZIP"))
        self.client.add_permission(FunctionName="go-private", StatementId="other-api", Action="lambda:InvokeFunction",
                                   Principal="apigateway.amazonaws.com",
                                   SourceArn="arn:aws:execute-api:us-east-1:000000000000:otherapi/*")
        policy = json.loads(self.client.get_policy(FunctionName="go-private")["Policy"])
        check(policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(":otherapi/*"), f"policy: {policy}")
        self.summary.append("AddPermission / GetPolicy for the gateway")


def main():
    return run(Flow, f"boto3 {boto3.__version__} lambda against {{url}}", errors=(ValueError,))


if __name__ == "__main__":
    sys.exit(main())
