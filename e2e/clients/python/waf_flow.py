"""Drive moat's WAF with boto3's wafv2 client, pointed at moat by
endpoint_url alone, and check what the web ACLs it sets up do to requests
sent from chosen loopback addresses (127.0.0.x).

Usage: waf_flow.py user-pool | stage
  user-pool  creates an IP set denying 127.0.0.2 and a web ACL using it,
             checks a stale LockToken is refused, associates the web ACL
             with MOAT_POOL_ARN, and checks InitiateAuth is refused (403
             ForbiddenException) from 127.0.0.2 and signs in from 127.0.0.3.
  stage      puts a web ACL on MOAT_STAGE_ARN (an IP set denying 127.0.0.2,
             a Count rule, a rate rule of 10 requests in 60 s, the SQLi
             managed group) and checks each through the gateways in
             MOAT_GATEWAY_URLS (replicas sharing a database and Redis: the
             rate limit holds across them).
Environment: MOAT_IDENTITY_URL, MOAT_REGION, MOAT_ADMIN_ACCESS_KEY_ID,
MOAT_ADMIN_SECRET_ACCESS_KEY; for user-pool MOAT_POOL_ARN, MOAT_CLIENT_ID,
MOAT_USERNAME, MOAT_PASSWORD; for stage MOAT_STAGE_ARN, MOAT_GATEWAY_URLS
(comma-separated).
"""

import http.client
import json
import sys
import time
import urllib.parse

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError
from wirecheck import Mismatch, admin_client, check, env, expect_error, fail

DENIED, ALLOWED = "127.0.0.2", "127.0.0.3"


def teach_current_wafv2(session):
    """Debian's botocore (1.29) predates rate-rule windows (EvaluationWindowSec)
    and 10-request limits; teach its wafv2 model what botocore ≥ 1.34 knows,
    so this client sends what a current boto3 sends. The loader caches the
    model it hands clients, so the change is made there, with the arguments
    clients load it with. A current botocore is left as it is."""
    model = session.get_component("data_loader").load_service_model("wafv2", "service-2", api_version=None)
    shapes = model["shapes"]
    members = shapes["RateBasedStatement"]["members"]
    if "EvaluationWindowSec" not in members:
        shapes["EvaluationWindowSec"] = {"type": "long"}
        members["EvaluationWindowSec"] = {"shape": "EvaluationWindowSec"}
    shapes["RateLimit"]["min"] = min(shapes["RateLimit"].get("min", 10), 10)


def visibility(name):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def send_from(source, method, url, headers=None, body=None):
    """Send a request from the loopback address source: (status, body text)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10, source_address=(source, 0))
    try:
        path = (u.path or "/") + ("?" + u.query if u.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def post_from(source, url, headers, body):
    """POST a JSON body from source: (status, decoded JSON answer)."""
    status, text = send_from(source, "POST", url, headers, json.dumps(body))
    return status, json.loads(text) if text else {}


class Flow:
    def __init__(self):
        self.identity = env("MOAT_IDENTITY_URL")
        session = botocore.session.get_session()
        teach_current_wafv2(session)
        self.waf = admin_client("wafv2", self.identity, boto3.Session(botocore_session=session))
        self.summary = []

    def note(self, line):
        self.summary.append(line)

    def deny_set(self, name):
        s = self.waf.create_ip_set(Name=name, Scope="REGIONAL", IPAddressVersion="IPV4",
                                   Addresses=[DENIED + "/32"], Description="denied loopback caller")["Summary"]
        got = self.waf.get_ip_set(Name=name, Scope="REGIONAL", Id=s["Id"])
        check(got["IPSet"]["Addresses"] == [DENIED + "/32"], f"GetIPSet {got['IPSet']}")
        check(got["LockToken"] == s["LockToken"], "GetIPSet's LockToken is not CreateIPSet's")
        # Optimistic locking: the token read before a change is refused after it.
        nxt = self.waf.update_ip_set(Name=name, Scope="REGIONAL", Id=s["Id"], Addresses=[DENIED + "/32"],
                                     Description="denied loopback caller", LockToken=s["LockToken"])["NextLockToken"]
        check(nxt != s["LockToken"], "UpdateIPSet returned the same LockToken")
        expect_error("WAFOptimisticLockException", self.waf.update_ip_set, Name=name, Scope="REGIONAL",
                     Id=s["Id"], Addresses=[], LockToken=s["LockToken"])
        expect_error("WAFOptimisticLockException", self.waf.delete_ip_set, Name=name, Scope="REGIONAL",
                     Id=s["Id"], LockToken=s["LockToken"])
        self.note("CreateIPSet, GetIPSet, UpdateIPSet; a stale LockToken → WAFOptimisticLockException")
        return s["ARN"]

    def user_pool(self):
        set_arn = self.deny_set("pool-deny")
        acl = self.waf.create_web_acl(
            Name="pool-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility("pool-acl"),
            Rules=[{"Name": "deny-caller", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility("deny-caller"),
                    "Statement": {"IPSetReferenceStatement": {"ARN": set_arn}}}])["Summary"]
        expect_error("WAFAssociatedItemException", self.waf.delete_ip_set, Name="pool-deny", Scope="REGIONAL",
                     Id=set_arn.rsplit("/", 1)[1],
                     LockToken=self.waf.get_ip_set(Name="pool-deny", Scope="REGIONAL", Id=set_arn.rsplit("/", 1)[1])["LockToken"])
        pool = env("MOAT_POOL_ARN")
        self.waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=pool)
        got = self.waf.get_web_acl_for_resource(ResourceArn=pool)["WebACL"]
        check(got["ARN"] == acl["ARN"], f"GetWebACLForResource {got.get('ARN')}")
        arns = self.waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="COGNITO_USER_POOL")["ResourceArns"]
        check(arns == [pool], f"ListResourcesForWebACL {arns}")
        self.note("CreateWebACL, AssociateWebACL on the user pool, GetWebACLForResource, ListResourcesForWebACL")

        sign_in = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": env("MOAT_CLIENT_ID"),
                   "AuthParameters": {"USERNAME": env("MOAT_USERNAME"), "PASSWORD": env("MOAT_PASSWORD")}}
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}
        status, body = post_from(DENIED, self.identity, headers, sign_in)
        check(status == 403 and body == {"__type": "ForbiddenException", "message": "Request not allowed due to WAF block."},
              f"InitiateAuth from {DENIED}: {status} {body}")
        status, body = post_from(ALLOWED, self.identity, headers, sign_in)
        check(status == 200 and "AccessToken" in body.get("AuthenticationResult", {}), f"InitiateAuth from {ALLOWED}: {status} {body}")
        self.note(f"InitiateAuth from {DENIED} → 403 ForbiddenException; from {ALLOWED} signed in")

        samples = self.waf.get_sampled_requests(WebAclArn=acl["ARN"], RuleMetricName="deny-caller", Scope="REGIONAL", MaxItems=10,
                                                TimeWindow={"StartTime": got_time(-300), "EndTime": got_time(60)})
        blocked = [s for s in samples["SampledRequests"] if s["Request"]["ClientIP"] == DENIED]
        check(blocked and blocked[0]["Action"] == "BLOCK", f"GetSampledRequests {samples['SampledRequests']}")
        self.note("GetSampledRequests shows the blocked call")


    def stage(self):
        set_arn = self.deny_set("stage-deny")
        gateways = env("MOAT_GATEWAY_URLS").split(",")
        on_path = lambda path: {"ByteMatchStatement": {
            "SearchString": path.encode(), "FieldToMatch": {"UriPath": {}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}], "PositionalConstraint": "STARTS_WITH"}}
        acl = self.waf.create_web_acl(
            Name="stage-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility("stage-acl"),
            Rules=[
                {"Name": "deny-caller", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility("deny-caller"),
                 "Statement": {"IPSetReferenceStatement": {"ARN": set_arn}}},
                {"Name": "count-admin", "Priority": 1, "Action": {"Count": {}}, "VisibilityConfig": visibility("count-admin"),
                 "Statement": on_path("/prod/admin")},
                {"Name": "rate", "Priority": 2, "Action": {"Block": {}}, "VisibilityConfig": visibility("rate"),
                 "Statement": {"RateBasedStatement": {"Limit": 10, "EvaluationWindowSec": 60, "AggregateKeyType": "IP",
                                                      "ScopeDownStatement": on_path("/prod/rate")}}},
                {"Name": "sqli", "Priority": 3, "OverrideAction": {"None": {}}, "VisibilityConfig": visibility("sqli"),
                 "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesSQLiRuleSet"}}},
            ])["Summary"]
        stage = env("MOAT_STAGE_ARN")
        self.waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=stage)
        rules = self.waf.get_web_acl(Name="stage-acl", Scope="REGIONAL", Id=acl["Id"])["WebACL"]["Rules"]
        check(rules[2]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 60, f"rate rule read back as {rules[2]}")
        self.note("CreateWebACL (IP set, Count, rate 10/60 s, AWSManagedRulesSQLiRuleSet), AssociateWebACL on the stage")

        # Every replica enforces it: the one written to at once, the others
        # once they have reread the web ACLs (every two seconds).
        for gw in gateways:
            for _ in range(50):
                if send_from(DENIED, "GET", gw + "/prod/items")[0] == 403:
                    break
                time.sleep(0.2)
        forbidden = '{"message":"Forbidden"}'
        for gw in gateways:
            got = send_from(DENIED, "GET", gw + "/prod/items")
            check(got == (403, forbidden), f"{DENIED} on {gw}: {got}")
            got = send_from(ALLOWED, "GET", gw + "/prod/items")
            check(got[0] == 200, f"{ALLOWED} on {gw}: {got}")
        self.note(f"IP set: {DENIED} → 403 Forbidden, {ALLOWED} → 200, on every replica")

        got = send_from(ALLOWED, "GET", gateways[0] + "/prod/items?id=1'%20OR%20'1'='1")
        check(got == (403, forbidden), f"SQL injection in the query: {got}")
        got = send_from(ALLOWED, "GET", gateways[0] + "/prod/items?id=42&sort=asc")
        check(got[0] == 200, f"a clean query: {got}")
        self.note("SQLi group: ?id=1' OR '1'='1 → 403, a clean query → 200")

        for i in range(3):
            got = send_from(ALLOWED, "GET", gateways[0] + "/prod/admin")
            check(got[0] == 200, f"a request the Count rule matches was refused: {got}")
        samples = self.waf.get_sampled_requests(WebAclArn=acl["ARN"], RuleMetricName="count-admin", Scope="REGIONAL", MaxItems=10,
                                                TimeWindow={"StartTime": got_time(-300), "EndTime": got_time(60)})
        counted = [s for s in samples["SampledRequests"] if s["Action"] == "COUNT"]
        check(len(counted) == 3 and samples["PopulationSize"] == 3, f"GetSampledRequests for count-admin: {samples}")
        self.note("Count rule: 3 requests passed and were counted")

        caller, other = "127.0.0.4", "127.0.0.5"
        for i in range(10):
            got = send_from(caller, "GET", gateways[i % len(gateways)] + "/prod/rate")
            check(got[0] == 200, f"rate: request {i + 1} of {caller} refused: {got}")
        for gw in gateways:
            got = send_from(caller, "GET", gw + "/prod/rate")
            check(got == (403, forbidden), f"rate: {caller}'s 11th request on {gw}: {got}")
        got = send_from(other, "GET", gateways[-1] + "/prod/rate")
        check(got[0] == 200, f"rate: {other} was refused: {got}")
        self.note(f"rate rule: {caller}'s 11th request refused on every replica, {other} passes")


def got_time(offset):
    import datetime
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)


def main():
    flow = None
    try:
        flow = Flow()
        {"user-pool": flow.user_pool, "stage": flow.stage}[sys.argv[1]]()
    except (Mismatch, ClientError, BotoCoreError, OSError, KeyError, IndexError) as e:
        return fail(flow, f"{type(e).__name__}: {e}")
    print("ok: " + "; ".join(flow.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
