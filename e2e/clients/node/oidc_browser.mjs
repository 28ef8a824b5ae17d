// openid-client against moat's hosted sign-in, in headless Chromium driven
// by playwright-core: discovery, the authorization code grant with PKCE
// (the sign-in page filled as a person would), the ID token validated
// (issuer, audience, nonce), userInfo, a refresh, a revocation after which
// the refresh token is refused. Along the way it screenshots every hosted
// page at a desktop and a phone width.
//
// Environment: MOAT_ISSUER, MOAT_CLIENT_ID, MOAT_CLIENT_SECRET, MOAT_CALLBACK
// (http://127.0.0.1:PORT/callback, registered on the client: this script
// serves it), MOAT_USERNAME, MOAT_PASSWORD, MOAT_TEMP_USERNAME and
// MOAT_TEMP_PASSWORD (a user with a temporary password), MOAT_RESULT (a
// file the result JSON is written to), MOAT_SCREENSHOTS (a directory),
// MOAT_CHROMIUM (default /usr/bin/chromium).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as client from 'openid-client';
import { env, launchChromium, run, serveApp, signIn } from './hosted.mjs';

const widths = { desktop: { width: 1280, height: 860 }, mobile: { width: 390, height: 844 } };

async function main() {
  const issuer = env('MOAT_ISSUER');
  const callback = env('MOAT_CALLBACK');
  const shots = env('MOAT_SCREENSHOTS');
  const config = await client.discovery(new URL(issuer), env('MOAT_CLIENT_ID'), env('MOAT_CLIENT_SECRET'), undefined,
    { execute: [client.allowInsecureRequests] });

  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const authorizeURL = client.buildAuthorizationUrl(config, {
    redirect_uri: callback, scope: 'openid email profile', nonce, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });

  const server = await serveApp(callback, (req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>callback</title><p>Signed in.</p>'));
  const browser = await launchChromium();
  const screenshots = [];
  const shoot = async (page, name) => {
    for (const [label, size] of Object.entries(widths)) {
      await page.setViewportSize(size);
      const path = join(shots, `hosted-${name}-${label}.png`);
      await page.screenshot({ path, fullPage: true });
      screenshots.push(path);
    }
    await page.setViewportSize(widths.desktop);
  };
  const result = { screenshots };
  try {
    const page = await browser.newPage({ viewport: widths.desktop });
    await page.goto(authorizeURL.href);
    await page.waitForSelector('#signInFormUsername');
    result.loginTitle = await page.title();
    await shoot(page, 'login');

    // A wrong password first: the page says so, in Cognito's words.
    await page.fill('#signInFormUsername', env('MOAT_USERNAME'));
    await page.fill('#signInFormPassword', 'Not-The-Password-1');
    await Promise.all([page.waitForLoadState('load'), page.click('button[name=signInSubmitButton]')]);
    result.wrongPasswordMessage = (await page.textContent('[role=alert]'))?.trim() ?? null;
    await shoot(page, 'login-error');

    await signIn(page, env('MOAT_USERNAME'), env('MOAT_PASSWORD'), callback);
    const returned = new URL(page.url());

    const tokens = await client.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const claims = tokens.claims();
    result.idToken = tokens.id_token;
    result.claims = claims;
    result.userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    result.refreshed = { hasAccessToken: Boolean(refreshed.access_token), hasIdToken: Boolean(refreshed.id_token) };
    await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
    try {
      await client.refreshTokenGrant(config, tokens.refresh_token);
      result.refreshAfterRevoke = 'accepted';
    } catch (e) {
      result.refreshAfterRevoke = e.error ?? e.code ?? String(e);
    }

    // The other pages, each reached by its link as a person would.
    const fresh = await browser.newPage({ viewport: widths.desktop });
    await fresh.goto(authorizeURL.href);
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('text=Sign up')]);
    await shoot(fresh, 'signup');
    await fresh.fill('#username', `newcomer${Date.now()}`);
    await fresh.fill('#attr-email', 'newcomer@example.com');
    await fresh.fill('#password', 'short');
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('button[type=submit]')]);
    result.weakPasswordMessage = (await fresh.textContent('[role=alert]'))?.trim() ?? null;
    await shoot(fresh, 'signup-error');
    await fresh.fill('#attr-email', 'newcomer@example.com');
    await fresh.fill('#password', 'Newcomer-Pass-1');
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('button[type=submit]')]);
    result.confirmHeading = await fresh.textContent('h1');
    await shoot(fresh, 'confirm');

    await fresh.goto(authorizeURL.href);
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('text=Forgot your password?')]);
    await shoot(fresh, 'forgot-password');
    await fresh.fill('#username', env('MOAT_USERNAME'));
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('button[type=submit]')]);
    result.resetHeading = await fresh.textContent('h1');
    await shoot(fresh, 'reset-password');

    await fresh.goto(authorizeURL.href);
    await fresh.fill('#signInFormUsername', env('MOAT_TEMP_USERNAME'));
    await fresh.fill('#signInFormPassword', env('MOAT_TEMP_PASSWORD'));
    await Promise.all([fresh.waitForLoadState('load'), fresh.click('button[name=signInSubmitButton]')]);
    result.newPasswordHeading = await fresh.textContent('h1');
    await shoot(fresh, 'new-password');

    const bad = new URL(authorizeURL.href);
    bad.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const response = await fresh.goto(bad.href);
    result.badRedirect = { status: response.status(), url: fresh.url() };
    await shoot(fresh, 'error');
  } finally {
    await browser.close();
    server.close();
  }
  await writeFile(env('MOAT_RESULT'), JSON.stringify(result, null, 2));
}

run(main);
