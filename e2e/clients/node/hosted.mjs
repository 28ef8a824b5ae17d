// What the hosted-page scripts share: their environment, a headless
// Chromium, a loopback server standing in for an app, and signing in on
// moat's hosted page as a person would.

import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.MOAT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// serveApp listens where url names (a loopback origin) and answers with handle.
export function serveApp(url, handle) {
  const server = createServer(handle);
  return new Promise((resolve) => server.listen(Number(new URL(url).port), '127.0.0.1', () => resolve(server)));
}

// signIn fills the hosted sign-in form on page and waits until the browser
// is sent to a URL starting with until.
export async function signIn(page, username, password, until) {
  await page.fill('#signInFormUsername', username);
  await page.fill('#signInFormPassword', password);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(until)), page.click('button[name=signInSubmitButton]')]);
}

// run runs main, and exits 1 with the stack on failure.
export function run(main) {
  main().catch((e) => {
    console.error(`FAIL: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
