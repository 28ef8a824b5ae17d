// The classic demo in headless Chromium: the implicit grant from moat's
// hosted sign-in page to a static callback.html, which reads the token
// from the fragment and calls a gateway route protected by a
// COGNITO_USER_POOLS authorizer. Writes {"status": <the API's answer>} to
// MOAT_RESULT.
//
// Environment: MOAT_AUTHORIZE_URL (the /oauth2/authorize URL, whose
// redirect_uri is MOAT_CALLBACK), MOAT_CALLBACK
// (http://127.0.0.1:PORT/callback.html, served here with /config.json
// naming MOAT_API_URL),
// MOAT_USERNAME, MOAT_PASSWORD, MOAT_RESULT, MOAT_SCREENSHOT, MOAT_CHROMIUM.

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, launchChromium, run, serveApp, signIn } from './hosted.mjs';

async function main() {
  const callback = new URL(env('MOAT_CALLBACK'));
  const page = await readFile(join(dirname(fileURLToPath(import.meta.url)), 'implicit', 'callback.html'));
  const server = await serveApp(callback.href, (req, res) => {
    if (req.url.startsWith('/callback.html')) res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else if (req.url === '/config.json') res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ api: env('MOAT_API_URL') }));
    else res.writeHead(404).end();
  });
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(env('MOAT_AUTHORIZE_URL'));
    await signIn(tab, env('MOAT_USERNAME'), env('MOAT_PASSWORD'), callback.origin);
    await tab.waitForSelector('body[data-status]', { timeout: 15000 });
    await tab.screenshot({ path: env('MOAT_SCREENSHOT') });
    const status = Number(await tab.getAttribute('body', 'data-status'));
    await writeFile(env('MOAT_RESULT'), JSON.stringify({ status, body: await tab.textContent('#result') }));
  } finally {
    await browser.close();
    server.close();
  }
}

run(main);
