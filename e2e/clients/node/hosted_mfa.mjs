// moat's hosted pages for second factors and passkeys, in headless Chromium
// driven by playwright-core, as a person would use them:
//  - TOTP: a pool requiring MFA shows MFA_SETUP with a QR code; the secret
//    shown beside it gives the codes (TOTP computed here, RFC 6238); a wrong
//    code is asked again; "remember this device" makes the next sign-in in
//    this browser skip the code, while another browser is asked for it.
//  - Email and passkeys: a pool with email MFA and passkeys as a first
//    factor asks for the emailed code (read from the real SMTP sink), then
//    offers a passkey, registered with a CDP virtual authenticator; the next
//    sign-in chooses "Sign in another way" → passkey.
// Every page is screenshot at a desktop and a phone width.
//
// Environment: MOAT_TOTP_AUTHORIZE and MOAT_TOTP_CALLBACK, MOAT_TOTP_USERNAME;
// MOAT_PASSKEY_AUTHORIZE and MOAT_PASSKEY_CALLBACK (on http://localhost, a
// secure context and the relying party), MOAT_PASSKEY_USERNAME and
// MOAT_PASSKEY_EMAIL; MOAT_PASSWORD; MOAT_MAILBOX_URL (GET /code?to= gives
// the next code mailed there); MOAT_RESULT, MOAT_SCREENSHOTS, MOAT_CHROMIUM.

import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { env, launchChromium, run, serveApp } from './hosted.mjs';

const widths = { desktop: { width: 1280, height: 860 }, mobile: { width: 390, height: 844 } };

// totp is RFC 6238's code (SHA-1, 6 digits, 30 s) of a base32 secret at ms.
function totp(secret, ms = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, '0');
}

async function main() {
  const password = env('MOAT_PASSWORD');
  const shots = env('MOAT_SCREENSHOTS');
  const totpCallback = env('MOAT_TOTP_CALLBACK');
  const passkeyCallback = env('MOAT_PASSKEY_CALLBACK');
  const callbackPage = (req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>callback</title><p>Signed in.</p>');
  const servers = [await serveApp(totpCallback, callbackPage), await serveApp(passkeyCallback, callbackPage)];
  const browser = await launchChromium();
  const screenshots = [];
  const shoot = async (page, name) => {
    for (const [label, size] of Object.entries(widths)) {
      await page.setViewportSize(size);
      const path = join(shots, `hosted-mfa-${name}-${label}.png`);
      await page.screenshot({ path, fullPage: true });
      screenshots.push(path);
    }
    await page.setViewportSize(widths.desktop);
  };
  const heading = async (page) => (await page.textContent('h1'))?.trim() ?? null;
  const alertText = async (page) => (await page.textContent('[role=alert]:not([hidden])'))?.trim() ?? null;
  // submitLogin signs in and reports where it landed: the client, or a page.
  const submitLogin = async (page, username, until) => {
    await page.fill('#signInFormUsername', username);
    await page.fill('#signInFormPassword', password);
    await Promise.all([page.waitForLoadState('load'), page.click('button[name=signInSubmitButton]')]);
    return page.url().startsWith(until) ? 'client' : await heading(page);
  };
  const codeOf = (url) => new URL(url).searchParams.get('code');
  const result = { screenshots };
  try {
    // TOTP: set up from the QR code's secret, with this browser remembered.
    const first = await (await browser.newContext({ viewport: widths.desktop })).newPage();
    await first.goto(env('MOAT_TOTP_AUTHORIZE'));
    await first.waitForSelector('#signInFormUsername');
    result.setupHeading = await submitLogin(first, env('MOAT_TOTP_USERNAME'), totpCallback);
    result.qrCodes = await first.locator('svg.qr[role=img]').count();
    result.qrLabel = await first.getAttribute('svg.qr', 'aria-label');
    const secret = (await first.textContent('#secret-key')).trim();
    result.secretLength = secret.length;
    await shoot(first, 'totp-setup');
    await first.fill('#code', '000000');
    await Promise.all([first.waitForLoadState('load'), first.click('button[type=submit]')]);
    result.wrongSetupCode = await alertText(first);
    result.secretKept = (await first.textContent('#secret-key')).trim() === secret;
    await shoot(first, 'totp-setup-error');
    const setupAt = Date.now();
    await first.fill('#code', totp(secret, setupAt));
    await first.fill('#deviceName', 'Test phone');
    await first.check('#rememberDevice');
    await Promise.all([first.waitForURL((u) => u.href.startsWith(totpCallback)), first.click('button[type=submit]')]);
    result.setupCode = codeOf(first.url());

    await first.goto(env('MOAT_TOTP_AUTHORIZE'));
    result.rememberedLanding = await submitLogin(first, env('MOAT_TOTP_USERNAME'), totpCallback);
    result.rememberedCode = codeOf(first.url());

    // Another browser is asked for the app's code; a later one than setup's.
    const other = await (await browser.newContext({ viewport: widths.desktop })).newPage();
    await other.goto(env('MOAT_TOTP_AUTHORIZE'));
    result.otherBrowserHeading = await submitLogin(other, env('MOAT_TOTP_USERNAME'), totpCallback);
    await shoot(other, 'totp-code');
    await other.fill('#code', totp(secret, setupAt + 30000));
    await Promise.all([other.waitForURL((u) => u.href.startsWith(totpCallback)), other.click('button[type=submit]')]);
    result.totpSignInCode = codeOf(other.url());

    // Email code, then a passkey offered, added, and used.
    const context = await browser.newContext({ viewport: widths.desktop });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(env('MOAT_PASSKEY_AUTHORIZE'));
    await page.waitForSelector('#signInFormUsername');
    await shoot(page, 'login-other-ways');
    result.emailHeading = await submitLogin(page, env('MOAT_PASSKEY_USERNAME'), passkeyCallback);
    result.emailLead = (await page.textContent('#code-lead'))?.trim();
    await shoot(page, 'email-code');
    const mailed = await fetch(`${env('MOAT_MAILBOX_URL')}/code?to=${encodeURIComponent(env('MOAT_PASSKEY_EMAIL'))}`);
    await page.fill('#code', await mailed.text());
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    result.offerHeading = await heading(page);
    await shoot(page, 'passkey-offer');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(passkeyCallback)), page.click('text=Add a passkey')]);
    result.afterRegistrationCode = codeOf(page.url());
    result.credentials = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;

    await page.goto(env('MOAT_PASSKEY_AUTHORIZE'));
    await page.fill('#signInFormUsername', env('MOAT_PASSKEY_USERNAME'));
    await Promise.all([page.waitForLoadState('load'), page.click('button[name=otherWays]')]);
    result.chooseHeading = await heading(page);
    result.choices = await page.locator('button[name=answer]').evaluateAll((bs) => bs.map((b) => b.value));
    await shoot(page, 'choose-sign-in');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=WEB_AUTHN]')]);
    result.passkeyHeading = await heading(page);
    await shoot(page, 'passkey-sign-in');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(passkeyCallback)), page.click('text=Use passkey')]);
    result.passkeySignInCode = codeOf(page.url());
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }
  await writeFile(env('MOAT_RESULT'), JSON.stringify(result, null, 2));
}

run(main);
