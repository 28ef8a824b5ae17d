// The demo page: sign in with Cognito's InitiateAuth (USER_PASSWORD_AUTH) on
// moat's identity listener, then call the dragons API with the ID token.
"use strict";

const $ = (id) => document.getElementById(id);
let idToken = "";

async function config() {
  const res = await fetch("demo-config.json");
  if (!res.ok) throw new Error("demo-config.json: HTTP " + res.status);
  return res.json();
}

async function initiateAuth(cfg, username, password) {
  const res = await fetch(cfg.identityUrl + "/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      ClientId: cfg.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || body.__type || "HTTP " + res.status);
  return body.AuthenticationResult.IdToken;
}

// claimsOf decodes a JWT's payload for display; the gateway, not the page,
// verifies the signature.
function claimsOf(jwt) {
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// callAPI shows the status and body of a gateway call in element out.
async function callAPI(method, path, body, out) {
  const res = await fetch(path, {
    method,
    headers: { Authorization: idToken, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  out.className = res.ok ? "ok" : "refused";
  out.textContent = method + " " + path + " → " + res.status + "\n" + pretty(text);
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

async function main() {
  const cfg = await config();
  $("signin").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("status").textContent = "signing in…";
    try {
      idToken = await initiateAuth(cfg, $("username").value, $("password").value);
    } catch (err) {
      idToken = "";
      $("status").textContent = "sign-in refused: " + err.message;
      return;
    }
    const claims = claimsOf(idToken);
    $("status").textContent = "signed in as " + claims["cognito:username"];
    $("claims").textContent = JSON.stringify(claims, null, 2);
    $("list").disabled = $("add-button").disabled = false;
    await callAPI("GET", "dragons", undefined, $("dragons"));
  });
  $("list").addEventListener("click", () => callAPI("GET", "dragons", undefined, $("dragons")));
  $("add").addEventListener("submit", (e) => {
    e.preventDefault();
    callAPI("POST", "dragons", { name: $("name").value }, $("added"));
  });
}

main().catch((err) => { $("status").textContent = "demo unavailable: " + err.message; });
