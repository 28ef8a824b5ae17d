// Federated sign-in in headless Chromium: the app's pool's sign-in page
// offers the outside provider (another moat pool); its button leads to
// that pool's own hosted page, and signing in there ends at the app's
// callback with a code. Writes {"callback": <URL>} to MOAT_RESULT and
// screenshots both pages into MOAT_SCREENSHOTS.
//
// Environment: MOAT_AUTHORIZE_URL, MOAT_CALLBACK (served here),
// MOAT_PROVIDER (the button's name), MOAT_USERNAME, MOAT_PASSWORD (the
// outside pool's user), MOAT_RESULT, MOAT_SCREENSHOTS, MOAT_CHROMIUM.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { env, launchChromium, run, serveApp, signIn } from './hosted.mjs';

async function main() {
  const callback = new URL(env('MOAT_CALLBACK'));
  const server = await serveApp(callback.href, (req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>Signed in.</p>'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(env('MOAT_AUTHORIZE_URL'));
    await page.waitForSelector(`a.button:text("${env('MOAT_PROVIDER')}")`);
    for (const [label, size] of [['desktop', { width: 1280, height: 860 }], ['mobile', { width: 390, height: 844 }]]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(env('MOAT_SCREENSHOTS'), `hosted-idp-chooser-${label}.png`), fullPage: true });
    }
    await Promise.all([page.waitForLoadState('load'), page.click(`a.button:text("${env('MOAT_PROVIDER')}")`)]);
    await page.waitForSelector('#signInFormUsername');
    const outsideURL = page.url();
    await signIn(page, env('MOAT_USERNAME'), env('MOAT_PASSWORD'), callback.origin);
    await writeFile(env('MOAT_RESULT'), JSON.stringify({ callback: page.url(), outsideURL }));
  } finally {
    await browser.close();
    server.close();
  }
}

run(main);
