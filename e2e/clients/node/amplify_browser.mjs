// aws-amplify v6 in headless Chromium against a running moat: bundle
// amplify/app.mjs with esbuild, serve it from a loopback origin, and walk
// the journey an app's user makes — guest, SRP sign-in, a SigV4 call to an
// AWS_IAM route, a forced token refresh, sign-out (a new guest), sign-in
// again — then signs out and signs in through moat's hosted UI with
// signInWithRedirect (the sign-in page filled as a person would), and
// prints one JSON object with what each step gave.
//
// Environment: MOAT_IDENTITY_URL, MOAT_API_URL (the stage URL of an AWS_IAM
// route's API), MOAT_API_PATH, MOAT_REGION, MOAT_USER_POOL_ID,
// MOAT_CLIENT_ID, MOAT_IDENTITY_POOL_ID, MOAT_USERNAME, MOAT_PASSWORD,
// MOAT_APP_ORIGIN (http://127.0.0.1:PORT, where the page is served; its /
// is the client's callback URL), MOAT_OAUTH_DOMAIN (host:port of an https
// listener in front of moat: Amplify's oauth speaks https only), MOAT_CHROMIUM
// (default /usr/bin/chromium). Chromium runs with --ignore-certificate-errors
// for the test's TLS certificate. Exits 1 only when the page
// cannot be driven; the steps' outcomes are for the caller to judge.

import { join } from 'node:path';
import { bundle, env, launchWithProfile, run, serveApp, signIn } from './hosted.mjs';

// serve answers / with a page loading the bundle, on a loopback port.
function serve(js, origin) {
  const page = '<!doctype html><meta charset="utf-8"><title>moat amplify</title><script type="module" src="/app.js"></script>';
  return serveApp(origin, (req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (req.url === '/' || req.url.startsWith('/?')) {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    } else {
      res.writeHead(404).end();
    }
  });
}

async function main() {
  const cfg = {
    identityURL: env('MOAT_IDENTITY_URL'), apiURL: env('MOAT_API_URL'), region: env('MOAT_REGION'),
    userPoolId: env('MOAT_USER_POOL_ID'), clientId: env('MOAT_CLIENT_ID'), identityPoolId: env('MOAT_IDENTITY_POOL_ID'),
  };
  const username = env('MOAT_USERNAME');
  const password = env('MOAT_PASSWORD');
  const apiPath = env('MOAT_API_PATH');
  const origin = env('MOAT_APP_ORIGIN');
  const server = await serve(await bundle(join('amplify', 'app.mjs')), origin);
  const { context, close } = await launchWithProfile('moat-amplify-', '--ignore-certificate-errors');
  const targets = [];
  try {
    const page = context.pages()[0] ?? await context.newPage();
    page.on('request', (req) => {
      const target = req.headers()['x-amz-target'];
      if (target) targets.push(target.split('.').pop());
    });
    const logs = [];
    page.on('console', (msg) => logs.push(`${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.moatAmplifyReady === true, null, { timeout: 30000 });
    const step = (name, ...args) => page.evaluate(([n, a]) => window.moatAmplify[n](...a), [name, args]);

    await step('configure', cfg);
    const steps = {};
    steps.guest = await step('session', false);
    steps.signIn = await step('signIn', username, password);
    steps.signedIn = await step('session', false);
    steps.call = await step('call', apiPath);
    steps.refreshed = await step('session', true);
    // With rotation and no grace period, this works only if Amplify kept
    // the refresh token the first refresh returned.
    steps.refreshedAgain = await step('session', true);
    steps.callAfterRefresh = await step('call', apiPath);
    steps.signOut = await step('signOut');
    steps.secondGuest = await step('session', false);
    steps.signInAgain = await step('signIn', username, password);
    steps.signedInAgain = await step('session', false);

    // The hosted UI: signInWithRedirect, moat's sign-in page, back to the
    // app, whose Amplify.configure exchanges the code for tokens.
    steps.signOutBeforeRedirect = await step('signOut');
    const redirectCfg = { ...cfg, oauthDomain: env('MOAT_OAUTH_DOMAIN'), redirect: `${origin}/` };
    await step('configure', redirectCfg);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), step('signInWithRedirect')]);
    steps.hostedLogin = { url: page.url().split('?')[0] };
    await signIn(page, username, password, `${origin}/?code=`);
    await page.waitForFunction(() => window.moatAmplifyReady === true, null, { timeout: 30000 });
    await step('configure', redirectCfg);
    await page.waitForFunction(() => window.moatAuthEvents.some((e) => e.event.startsWith('signInWithRedirect')), null, { timeout: 30000 });
    steps.redirectEvents = { events: await page.evaluate(() => window.moatAuthEvents) };
    steps.redirectSession = await step('session', false);
    steps.callAfterRedirect = await step('call', apiPath);
    console.log(JSON.stringify({ steps, targets, logs }));
  } finally {
    await close();
    server.close();
  }
}

run(main);
