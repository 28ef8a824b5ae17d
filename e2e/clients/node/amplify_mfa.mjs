// aws-amplify v6 in headless Chromium against a running moat, for second
// factors and passkeys: bundle amplify/mfa_app.mjs with esbuild, serve it on
// http://localhost (a secure context, and the passkeys' relying party), give
// the page a CDP virtual authenticator, and walk two journeys, printing one
// JSON object with what each step gave:
//  - TOTP setup: signIn → CONTINUE_SIGN_IN_WITH_TOTP_SETUP → confirmSignIn
//    with the code of the shared secret → signed in;
//  - passkeys: signIn with a password → associateWebAuthnCredential → list →
//    signIn with USER_AUTH / WEB_AUTHN → delete → that sign-in again.
//
// Environment: MOAT_IDENTITY_URL, MOAT_TOTP_POOL_ID, MOAT_TOTP_CLIENT_ID,
// MOAT_TOTP_USERNAME, MOAT_PASSKEY_POOL_ID, MOAT_PASSKEY_CLIENT_ID,
// MOAT_PASSKEY_USERNAME, MOAT_PASSWORD, MOAT_CHROMIUM (default
// /usr/bin/chromium). Exits 1 only when the page cannot be driven.

import { join } from 'node:path';
import { bundle, env, launchWithProfile, run, serveApp } from './hosted.mjs';

function serve(js) {
  const page = '<!doctype html><meta charset="utf-8"><title>moat amplify mfa</title><script type="module" src="/app.js"></script>';
  return serveApp('http://127.0.0.1:0', (req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
}

async function main() {
  const identityURL = env('MOAT_IDENTITY_URL');
  const password = env('MOAT_PASSWORD');
  const server = await serve(await bundle(join('amplify', 'mfa_app.mjs')));
  const { context, close } = await launchWithProfile('moat-amplify-mfa-');
  const steps = {};
  const targets = [];
  const logs = [];
  try {
    const page = context.pages()[0] ?? await context.newPage();
    page.on('request', (req) => {
      const target = req.headers()['x-amz-target'];
      if (target) targets.push(target.split('.').pop());
    });
    page.on('console', (msg) => logs.push(`${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(`http://localhost:${server.address().port}/`);
    await page.waitForFunction(() => window.moatMFAReady === true, null, { timeout: 30000 });
    const call = (name, ...args) => page.evaluate(([n, a]) => window.moatMFA[n](...a), [name, args]);

    await call('configure', { identityURL, userPoolId: env('MOAT_TOTP_POOL_ID'), clientId: env('MOAT_TOTP_CLIENT_ID') });
    steps.totpSignIn = await call('signIn', env('MOAT_TOTP_USERNAME'), password);
    if (steps.totpSignIn.sharedSecret) steps.totpConfirm = await call('confirmTOTP', steps.totpSignIn.sharedSecret);
    steps.totpSession = await call('session');
    steps.totpSignOut = await call('signOut');

    const passkeyUser = env('MOAT_PASSKEY_USERNAME');
    await call('configure', { identityURL, userPoolId: env('MOAT_PASSKEY_POOL_ID'), clientId: env('MOAT_PASSKEY_CLIENT_ID') });
    steps.passwordSignIn = await call('signIn', passkeyUser, password);
    steps.associate = await call('associatePasskey');
    steps.list = await call('listPasskeys');
    steps.signOut = await call('signOut');
    const passkeyOnly = { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' };
    steps.passkeySignIn = await call('signIn', passkeyUser, undefined, passkeyOnly);
    steps.passkeySession = await call('session');
    const id = steps.list.credentials?.[0]?.id;
    steps.delete = id ? await call('deletePasskey', id) : { error: 'no passkey listed' };
    steps.listAfterDelete = await call('listPasskeys');
    steps.signOutAgain = await call('signOut');
    steps.deletedPasskeySignIn = await call('signIn', passkeyUser, undefined, passkeyOnly);
  } finally {
    console.log(JSON.stringify({ steps, targets, logs }));
    await close();
    server.close();
  }
}

run(main);
