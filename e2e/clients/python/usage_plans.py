"""Drive moat's API Gateway management API with boto3's apigateway client and
check the gateway enforces what it set up: API key, throttle, daily quota.

boto3 is pointed at moat by endpoint_url alone, as on AWS.

Usage: usage_plans.py setup | after-restart
  setup          creates a key and a plan (rate 5/s, burst 5, quota 20/day)
                 on MOAT_API_ID's stage prod, spends the burst and the quota,
                 and writes {"plan": ..., "key": ..., "value": ...} to MOAT_STATE_FILE.
  after-restart  reads that file: the quota must still be spent; UpdateUsage
                 gives one more request.
Environment: MOAT_IDENTITY_URL, MOAT_GATEWAY_URL, MOAT_REGION, MOAT_API_ID,
MOAT_ADMIN_ACCESS_KEY_ID, MOAT_ADMIN_SECRET_ACCESS_KEY, MOAT_STATE_FILE.
"""

import datetime
import json
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from wirecheck import Mismatch, admin_client, check, env, expect_error

RATE, BURST, QUOTA = 5, 5, 20


class Flow:
    def __init__(self):
        self.gateway = env("MOAT_GATEWAY_URL").rstrip("/")
        self.api_id = env("MOAT_API_ID")
        self.state_file = env("MOAT_STATE_FILE")
        self.apigw = admin_client("apigateway")
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def call(self, key=None):
        """GET /prod/items on the gateway: (status, body, headers)."""
        req = urllib.request.Request(self.gateway + "/prod/items")
        if key is not None:
            req.add_header("x-api-key", key)
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.read().decode(), resp.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers

    def expect(self, key, status, message):
        got, body, headers = self.call(key)
        check(got == status, f"want {status}, got {got} {body}")
        if message is not None:
            check(json.loads(body) == {"message": message}, f"want message {message!r}, got {body}")
        return headers

    def today_usage(self):
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        usage = self.apigw.get_usage(usagePlanId=self.plan, keyId=self.key, startDate=today, endDate=today)
        check(usage["usagePlanId"] == self.plan, f"GetUsage usagePlanId {usage.get('usagePlanId')!r}")
        return usage["items"][self.key][0]

    # --- setup -------------------------------------------------------------

    def management(self):
        key = self.apigw.create_api_key(name="boto3-partner", enabled=True, description="e2e")
        self.key, self.value = key["id"], key["value"]
        check(len(self.value) >= 30 and self.value.isalnum(), f"generated value {self.value!r} is not ≥ 30 alphanumerics")
        check(isinstance(key["createdDate"], datetime.datetime), f"createdDate {key.get('createdDate')!r} is not a date")
        check("value" not in self.apigw.get_api_key(apiKey=self.key), "GetApiKey returned the value without includeValue")
        check(self.apigw.get_api_key(apiKey=self.key, includeValue=True)["value"] == self.value, "includeValue did not return the value")
        expect_error("NotFoundException", self.apigw.get_api_key, apiKey="nosuchkey0")
        expect_error("BadRequestException", self.apigw.create_api_key, name="short", value="tooshort")

        plan = self.apigw.create_usage_plan(
            name="boto3-plan",
            apiStages=[{"apiId": self.api_id, "stage": "prod"}],
            throttle={"rateLimit": RATE, "burstLimit": BURST},
            quota={"limit": QUOTA, "period": "DAY"},
        )
        self.plan = plan["id"]
        check(plan["throttle"] == {"rateLimit": RATE, "burstLimit": BURST}, f"plan throttle {plan.get('throttle')}")
        check(plan["quota"]["limit"] == QUOTA and plan["quota"]["period"] == "DAY", f"plan quota {plan.get('quota')}")
        expect_error("BadRequestException", self.apigw.create_usage_plan, name="bad",
                     apiStages=[{"apiId": self.api_id, "stage": "nostage"}])
        expect_error("BadRequestException", self.apigw.update_usage_plan, usagePlanId=self.plan,
                     patchOperations=[{"op": "replace", "path": "/quota/period", "value": "YEAR"}])
        renamed = self.apigw.update_usage_plan(usagePlanId=self.plan,
                                               patchOperations=[{"op": "replace", "path": "/description", "value": "e2e plan"}])
        check(renamed["description"] == "e2e plan", f"UpdateUsagePlan gave {renamed}")

        pk = self.apigw.create_usage_plan_key(usagePlanId=self.plan, keyId=self.key, keyType="API_KEY")
        check(pk["id"] == self.key and pk["type"] == "API_KEY", f"usage plan key {pk}")
        expect_error("ConflictException", self.apigw.create_usage_plan_key, usagePlanId=self.plan, keyId=self.key, keyType="API_KEY")
        keys = self.apigw.get_usage_plan_keys(usagePlanId=self.plan)["items"]
        check([k["id"] for k in keys] == [self.key], f"GetUsagePlanKeys {keys}")
        plans = self.apigw.get_usage_plans(keyId=self.key)["items"]
        check([p["id"] for p in plans] == [self.plan], f"GetUsagePlans(keyId) {plans}")
        self.note("CreateApiKey, GetApiKey, CreateUsagePlan, UpdateUsagePlan, CreateUsagePlanKey, GetUsagePlanKeys, GetUsagePlans")

        # A disabled key is refused, an enabled one admitted (within the cache TTL of the change being made here).
        tmp = self.apigw.create_api_key(name="boto3-disabled", enabled=False)
        self.apigw.create_usage_plan_key(usagePlanId=self.plan, keyId=tmp["id"], keyType="API_KEY")
        self.expect(tmp["value"], 403, "Forbidden")
        self.apigw.delete_usage_plan_key(usagePlanId=self.plan, keyId=tmp["id"])
        self.apigw.delete_api_key(apiKey=tmp["id"])
        expect_error("NotFoundException", self.apigw.get_api_key, apiKey=tmp["id"])
        self.note("disabled key → 403; DeleteUsagePlanKey, DeleteApiKey")

    def gateway_limits(self):
        self.expect(None, 403, "Forbidden")
        self.expect("x" * 40, 403, "Forbidden")
        self.note("no key / unknown key → 403 Forbidden")

        for i in range(BURST):
            self.expect(self.value, 200, None)
        headers = self.expect(self.value, 429, "Too Many Requests")
        check(headers.get("Retry-After", "").isdigit(), f"throttled without Retry-After: {dict(headers)}")
        self.note(f"burst of {BURST} admitted, the next → 429 Too Many Requests with Retry-After")

        allowed = BURST
        deadline = time.monotonic() + 30
        while allowed < QUOTA:
            check(time.monotonic() < deadline, f"only {allowed} requests admitted in 30 s")
            time.sleep(1.2 / RATE)
            status, body, _ = self.call(self.value)
            if status == 200:
                allowed += 1
            else:
                check(status == 429 and json.loads(body) == {"message": "Too Many Requests"}, f"request {allowed + 1}: {status} {body}")
        time.sleep(1.2 / RATE)
        headers = self.expect(self.value, 429, "Limit Exceeded")
        check(int(headers.get("Retry-After", "0")) > 0, f"over quota without Retry-After: {dict(headers)}")
        self.note(f"{QUOTA} requests admitted, the next → 429 Limit Exceeded")

        used, remaining = self.today_usage()
        check((used, remaining) == (QUOTA, 0), f"GetUsage today = {used, remaining}, want {QUOTA, 0}")
        self.note(f"GetUsage: [{used}, {remaining}]")

    def setup(self):
        self.management()
        self.gateway_limits()
        with open(self.state_file, "w") as f:
            json.dump({"plan": self.plan, "key": self.key, "value": self.value}, f)

    # --- after a restart ---------------------------------------------------

    def after_restart(self):
        with open(self.state_file) as f:
            state = json.load(f)
        self.plan, self.key, self.value = state["plan"], state["key"], state["value"]
        self.expect(self.value, 429, "Limit Exceeded")
        used, remaining = self.today_usage()
        check((used, remaining) == (QUOTA, 0), f"GetUsage after restart = {used, remaining}")
        self.note("after restart the quota is still spent")
        updated = self.apigw.update_usage(usagePlanId=self.plan, keyId=self.key,
                                          patchOperations=[{"op": "replace", "path": "/remaining", "value": "1"}])
        check(updated["items"][self.key][0][1] == 1, f"UpdateUsage gave {updated}")
        self.expect(self.value, 200, None)
        time.sleep(1.2 / RATE)
        self.expect(self.value, 429, "Limit Exceeded")
        self.note("UpdateUsage remaining=1 → one more request, then 429 Limit Exceeded")
        self.apigw.delete_usage_plan(usagePlanId=self.plan)
        expect_error("NotFoundException", self.apigw.get_usage_plan, usagePlanId=self.plan)
        self.note("DeleteUsagePlan")


def main():
    flow = None
    try:
        mode = sys.argv[1] if len(sys.argv) > 1 else ""
        flow = Flow()
        if mode == "setup":
            flow.setup()
        elif mode == "after-restart":
            flow.after_restart()
        else:
            raise Mismatch(f"unknown mode {mode!r}: setup or after-restart")
    except KeyError as e:
        print(f"FAIL: a response lacks the field {e}", file=sys.stderr)
        return 1
    except (Mismatch, ClientError, BotoCoreError, OSError, ValueError) as e:
        done = "; ".join(flow.summary) if flow and flow.summary else "nothing"
        print(f"FAIL: {type(e).__name__}: {e}\n(passed before the failure: {done})", file=sys.stderr)
        return 1
    print(f"boto3 {boto3.__version__} apigateway against moat: all checks passed")
    for line in flow.summary:
        print("  ok:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
