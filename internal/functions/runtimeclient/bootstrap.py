"""moat's runtime client for Python: the Lambda Runtime API loop, as AWS's
custom-runtime guide describes it. It loads _HANDLER from LAMBDA_TASK_ROOT
(module before the last dot, function after it), then takes events from
/next and posts each answer or error."""

import http.client
import importlib
import json
import os
import sys
import time
import traceback

BASE = "/2018-06-01/runtime"
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))


def call(method, path, body=None, headers=None):
    conn.request(method, BASE + path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, resp.headers, resp.read()


def post(path, value, error_type=None):
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    call("POST", path, json.dumps(value).encode(), headers)


def error_body(exc, request_id=""):
    frames = traceback.format_list(traceback.extract_tb(exc.__traceback__))
    return {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": request_id, "stackTrace": frames}


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self._deadline = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        cc = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(cc) if cc else None
        ci = headers.get("Lambda-Runtime-Cognito-Identity")
        self.identity = json.loads(ci) if ci else None

    def get_remaining_time_in_millis(self):
        return max(self._deadline - int(time.time() * 1000), 0)


def load_handler():
    handler = os.environ.get("_HANDLER", "")
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError:
        return None, {"errorMessage": "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler,
                      "errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []}
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as exc:
        return None, {"errorMessage": "Unable to import module '%s': %s" % (modname, exc),
                      "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}
    except SyntaxError as exc:
        return None, {"errorMessage": "Syntax error in module '%s': %s" % (modname, exc),
                      "errorType": "Runtime.UserCodeSyntaxError", "requestId": "", "stackTrace": []}
    fn = getattr(module, fname, None)
    if fn is None:
        return None, {"errorMessage": "Handler '%s' missing on module '%s'" % (fname, modname),
                      "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}
    return fn, None


def main():
    fn, failure = load_handler()
    if failure:
        print("[ERROR] %s: %s" % (failure["errorType"], failure["errorMessage"]), flush=True)
        post("/init/error", failure, failure["errorType"])
        sys.exit(1)
    while True:
        status, headers, body = call("GET", "/invocation/next")
        if status != 200:
            sys.exit(1)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        if headers.get("Lambda-Runtime-Trace-Id"):
            os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id")
        try:
            result = fn(json.loads(body), Context(headers))
            try:
                answer = json.dumps(result).encode()
            except (TypeError, ValueError) as exc:
                post("/invocation/%s/error" % request_id, {
                    "errorMessage": "Unable to marshal response: %s" % exc, "errorType": "Runtime.MarshalError",
                    "requestId": request_id, "stackTrace": []}, "Runtime.MarshalError")
                continue
            call("POST", "/invocation/%s/response" % request_id, answer, {"Content-Type": "application/json"})
        except Exception as exc:  # the handler's failure is the invocation's answer
            err = error_body(exc, request_id)
            print("[ERROR] %s: %s" % (err["errorType"], err["errorMessage"]), flush=True)
            post("/invocation/%s/error" % request_id, err, "Function.Unhandled")


main()
