// moat's console in headless Chromium driven by playwright-core, as a
// person uses it. MOAT_PHASE=build signs in with the admin key, creates a
// user pool, an app client (its secret shown once), a user and a group,
// resets the user's password and adds them to the group. MOAT_PHASE=use
// (after the test has filled the pool with 1,000 users) finds the user by
// a ListUsers prefix filter and pages through the rest, watches an API's
// live tail while this script calls the API (a 200 and a refused 403),
// invokes a function with a test event, checks that a change without the
// CSRF token and a request without the session cookie are refused, signs
// out, then signs in with the read-only credential, which sees the pages
// and is refused every change. Every page is screenshot at 1280 and 375 px.
//
// Environment: MOAT_CONSOLE (http://…/console), MOAT_ADMIN_KEY_ID,
// MOAT_ADMIN_SECRET, MOAT_VIEWER_KEY_ID, MOAT_VIEWER_SECRET, MOAT_POOL_NAME,
// MOAT_USERNAME, MOAT_GROUP, MOAT_POOL_ID (use), MOAT_API (an API name),
// MOAT_API_CALLS (comma-separated gateway URLs to call while tailing),
// MOAT_FUNCTION, MOAT_PHASE, MOAT_RESULT, MOAT_SCREENSHOTS, MOAT_CHROMIUM.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { env, launchChromium, run } from './hosted.mjs';

const widths = { desktop: { width: 1280, height: 860 }, phone: { width: 375, height: 812 } };
const consoleURL = env('MOAT_CONSOLE');

async function main() {
  const shots = env('MOAT_SCREENSHOTS');
  const browser = await launchChromium();
  const result = { screenshots: [] };
  const shoot = async (page, name) => {
    for (const [label, size] of Object.entries(widths)) {
      await page.setViewportSize(size);
      const path = join(shots, `console-${name}-${label}.png`);
      await page.screenshot({ path, fullPage: true });
      result.screenshots.push(path);
      // Nothing may stick out sideways: a page wider than the viewport is cut off.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) (result.overflows ??= []).push(`${name}-${label}: ${overflow}px`);
    }
    await page.setViewportSize(widths.desktop);
  };
  const text = async (page, selector) => (await page.textContent(selector))?.trim() ?? null;
  const message = (page) => text(page, '.message');
  const submit = async (page, selector) => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  };
  const signIn = async (page, keyID, secret) => {
    await page.goto(`${consoleURL}/signin`);
    await page.fill('#accessKeyId', keyID);
    await page.fill('#secretAccessKey', secret);
    await submit(page, 'button[type=submit]');
  };
  try {
    const context = await browser.newContext({ viewport: widths.desktop });
    const page = await context.newPage();
    if (env('MOAT_PHASE') === 'build') {
      await page.goto(`${consoleURL}/pools`);
      result.unsignedLandsOn = new URL(page.url()).pathname;
      await shoot(page, 'signin');
      await page.fill('#accessKeyId', env('MOAT_ADMIN_KEY_ID'));
      await page.fill('#secretAccessKey', 'not-the-secret');
      await submit(page, 'button[type=submit]');
      result.wrongSecretMessage = await message(page);
      await signIn(page, env('MOAT_ADMIN_KEY_ID'), env('MOAT_ADMIN_SECRET'));
      result.signedInAt = new URL(page.url()).pathname;

      await page.fill('#pool-name', env('MOAT_POOL_NAME'));
      await submit(page, 'form[action="/console/pools"] button[type=submit]');
      result.poolId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
      result.poolMessage = await message(page);
      await shoot(page, 'pool');

      await page.fill('#client-name', 'Storefront');
      await page.check('#client-secret');
      await page.check('text=ALLOW_USER_PASSWORD_AUTH');
      await submit(page, 'form[action$="/clients"] button[type=submit]');
      result.clientId = await text(page, '#client-id');
      result.clientSecret = await text(page, '#client-secret');
      await shoot(page, 'client-created');
      await page.goto(`${consoleURL}/pools/${result.poolId}`);
      result.secretOnPoolPage = (await page.content()).includes(result.clientSecret);

      await page.fill('#group-name', env('MOAT_GROUP'));
      await page.fill('#group-description', 'People who run the shop');
      await submit(page, 'form[action$="/groups"] button[type=submit]');

      await page.goto(`${consoleURL}/pools/${result.poolId}/users`);
      await page.fill('#new-username', env('MOAT_USERNAME'));
      await page.fill('#new-email', `${env('MOAT_USERNAME')}@example.com`);
      await page.fill('#new-temp', 'Temp-0rary-Pass1');
      await submit(page, 'form[method=post][action$="/users"] button[type=submit]');
      result.createdStatus = await text(page, '#user-status');
      await submit(page, 'form[action$="/reset-password"] button');
      result.resetMessage = await message(page);
      result.resetStatus = await text(page, '#user-status');
      await page.selectOption('#add-group', env('MOAT_GROUP'));
      await submit(page, 'form[action$="/groups/add"] button');
      result.groups = await text(page, '#user-groups');
      await shoot(page, 'user');
    } else {
      const poolID = env('MOAT_POOL_ID');
      await signIn(page, env('MOAT_ADMIN_KEY_ID'), env('MOAT_ADMIN_SECRET'));
      await shoot(page, 'pools');
      await page.goto(`${consoleURL}/pools/${poolID}/users`);
      result.firstPageRows = await page.locator('#users tbody tr').count();
      await shoot(page, 'users');
      await submit(page, 'a[rel=next]');
      result.secondPageRows = await page.locator('#users tbody tr').count();
      const prefix = env('MOAT_USERNAME').slice(0, 5);
      await page.fill('#filter', `username ^= "${prefix}"`);
      await submit(page, 'form[role=search] button');
      result.found = await page.locator('#users tbody tr td:first-child').allTextContents();
      await shoot(page, 'users-filtered');
      await page.fill('#filter', 'username ^^ broken');
      await submit(page, 'form[role=search] button');
      result.badFilterMessage = await message(page);

      await page.goto(`${consoleURL}/apis`);
      await shoot(page, 'apis');
      await page.goto(`${consoleURL}/apis/${env('MOAT_API')}`);
      await page.waitForFunction(() => document.getElementById('tail-state').textContent.startsWith('Watching'));
      result.calls = [];
      for (const url of env('MOAT_API_CALLS').split(',')) {
        result.calls.push((await fetch(url)).status);
      }
      await page.waitForFunction((n) => document.querySelectorAll('#tail tbody tr[data-status]').length >= n, result.calls.length);
      result.tail = await page.locator('#tail tbody tr[data-status]').evaluateAll((rows) =>
        rows.map((r) => ({ status: Number(r.dataset.status), request: r.cells[1].textContent, refusal: r.cells[5].textContent })));
      await shoot(page, 'api');

      await page.goto(`${consoleURL}/functions`);
      await shoot(page, 'functions');
      // A second page watches the function's live log while the first invokes it.
      const logPage = await page.context().newPage();
      await logPage.goto(`${consoleURL}/functions/${env('MOAT_FUNCTION')}`);
      await logPage.waitForFunction(() => document.getElementById('fn-log-state').textContent.startsWith('Watching'));
      await page.goto(`${consoleURL}/functions/${env('MOAT_FUNCTION')}`);
      await page.fill('#event', '{"name": "console"}');
      await submit(page, 'form[action$="/invoke"] button');
      result.invokeResult = await text(page, '#invoke-result');
      result.invokeLog = await text(page, '#invoke-log');
      await shoot(page, 'function');
      await logPage.waitForFunction(() => [...document.querySelectorAll('#fn-log .log-line')].some((l) => l.textContent.includes('greeting console')));
      result.liveLog = await logPage.locator('#fn-log .log-line').allTextContents();
      await shoot(logPage, 'function-live-log');
      await logPage.close();

      // The identity pool's policy editor, answering as the document is typed.
      await page.goto(`${consoleURL}/identity-pools`);
      await shoot(page, 'identity-pools');
      await page.click('table a');
      await page.waitForLoadState('load');
      result.identityPoolPath = new URL(page.url()).pathname;
      const arn = await page.getAttribute('#api-arns option', 'value');
      const decided = async (resource) => {
        await page.fill('#sim-resource', resource);
        await page.waitForFunction(() => document.getElementById('sim-decision').dataset.for === document.getElementById('sim-resource').value);
        return text(page, '#sim-decision');
      };
      result.allowedDecision = await decided(`${arn}orders`);
      result.deniedDecision = await decided(arn.replace(/GET\/$/, 'DELETE/orders'));
      await shoot(page, 'identity-pool');
      const policy = await page.inputValue('#policy-document');
      await page.fill('#policy-document', policy.replace('"Statement"', '"Statment"'));
      await page.waitForFunction(() => document.getElementById('policy-verdict').classList.contains('bad'));
      result.badPolicyVerdict = await text(page, '#policy-verdict');
      await page.fill('#policy-document', policy);
      await page.fill('#sim-resource', `${arn}orders`);
      await submit(page, '#policy-form button[type=submit]');
      result.simulatedWithoutScript = await text(page, '#sim-decision');

      await page.goto(`${consoleURL}/usage`);
      result.usageCaption = await text(page, '.chart figcaption');
      await shoot(page, 'usage');
      await page.goto(`${consoleURL}/waf`);
      await shoot(page, 'waf');
      await page.click('table a');
      await page.waitForLoadState('load');
      result.wafRules = await page.locator('.rule').allTextContents();
      result.wafProtects = await page.locator('[aria-labelledby=acl-title] li').allTextContents();
      await shoot(page, 'waf-acl');
      await page.goto(`${consoleURL}/events`);
      await shoot(page, 'events');

      // A change without the CSRF token, from the signed-in page itself.
      result.noCSRF = await page.evaluate(async (url) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ name: 'sneaky' }) })).status,
        `${consoleURL}/pools`);
      // The same change with no session cookie at all.
      const csrf = await page.getAttribute('input[name=_csrf]', 'value');
      result.noCookie = (await fetch(`${consoleURL}/pools`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, name: 'sneaky' }), redirect: 'manual' })).status;
      result.noCookiePage = (await fetch(`${consoleURL}/pools`, { redirect: 'manual' })).status;

      await submit(page, 'form[action="/console/signout"] button');
      result.signedOutAt = new URL(page.url()).pathname;
      await page.goto(`${consoleURL}/pools`);
      result.afterSignOut = new URL(page.url()).pathname;

      // The read-only credential: every page, no change.
      await signIn(page, env('MOAT_VIEWER_KEY_ID'), env('MOAT_VIEWER_SECRET'));
      result.viewerBadge = await text(page, '.badge');
      result.viewerCreateForm = await page.locator('#pool-name').count();
      await shoot(page, 'readonly-pools');
      await page.goto(`${consoleURL}/pools/${poolID}/users?filter=${encodeURIComponent(`username = "${env('MOAT_USERNAME')}"`)}`);
      result.viewerFound = await page.locator('#users tbody tr td:first-child').allTextContents();
      await page.goto(`${consoleURL}/pools/${poolID}/users/${env('MOAT_USERNAME')}`);
      await shoot(page, 'readonly-user');
      const viewerCSRF = await page.getAttribute('input[name=_csrf]', 'value');
      result.viewerChanges = {};
      for (const [name, path, form] of [
        ['createPool', '/pools', { name: 'viewer-pool' }],
        ['disableUser', `/pools/${poolID}/users/${env('MOAT_USERNAME')}/disable`, {}],
        ['createUser', `/pools/${poolID}/users`, { username: 'viewer-made' }],
        ['invoke', `/functions/${env('MOAT_FUNCTION')}/invoke`, { event: '{}' }],
        ['savePolicy', `${result.identityPoolPath.replace(/^\/console/, '')}/policy`, { role: 'arn:aws:iam::000000000000:role/shoppers', policyName: 'x', document: '{}' }],
        ['redrive', '/events/redrive', { target: 'crm', eventId: 'e1' }],
      ]) {
        result.viewerChanges[name] = await page.evaluate(async ([url, body]) =>
          (await fetch(url, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' })).status,
        [`${consoleURL}${path}`, { ...form, _csrf: viewerCSRF }]);
      }
      await page.goto(`${consoleURL}/pools/${poolID}/users/${env('MOAT_USERNAME')}`);
      result.viewerSeesEnabled = await text(page, '#user-enabled');
    }
    await context.close();
  } finally {
    await browser.close();
  }
  await writeFile(env('MOAT_RESULT'), JSON.stringify(result, null, 2));
}

run(main);
