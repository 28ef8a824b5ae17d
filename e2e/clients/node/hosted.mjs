// What the browser scripts share: their environment, a headless Chromium
// (with a throwaway profile for pages that keep state), a loopback server
// standing in for an app, an app bundled for the page, and signing in on
// moat's hosted page as a person would.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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

// launchWithProfile is a headless Chromium whose profile, a new temporary
// folder named from prefix, keeps what pages store (Amplify's sessions,
// passkeys); args come after the usual flags. close ends both.
export async function launchWithProfile(prefix, ...args) {
  const profile = await mkdtemp(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.MOAT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', ...args],
  });
  const close = async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { context, close };
}

// bundle builds entry, a page's script in this folder, into one ES module
// for the browser.
export async function bundle(entry) {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = await build({
    entryPoints: [join(here, entry)],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, logLevel: 'warning',
  });
  return out.outputFiles[0].text;
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
