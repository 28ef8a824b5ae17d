// Open moat's dApp in headless Chromium with a wallet injected as an
// EIP-1193 provider (window.ethereum) that signs with ethers, sign in, and
// check both API calls succeed while neither the page nor its network
// traffic ever holds the third-party provider's key.
//
// Environment: MOAT_DAPP_URL, MOAT_WALLET_KEY (hex private key),
// MOAT_SECRET (the provider key that must not leak), MOAT_SCREENSHOT (path).
// Prints the signed-in address and the two call results; exits 1 on a mismatch.

import { Wallet, getBytes } from 'ethers';
import { env, launchChromium } from './hosted.mjs';

async function main() {
  const wallet = new Wallet(env('MOAT_WALLET_KEY'));
  const secret = env('MOAT_SECRET');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // The wallet: the page's EIP-1193 requests are answered here, in Node.
    await page.exposeFunction('moatWallet', async ({ method, params }) => {
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return [wallet.address];
        case 'personal_sign':
          return wallet.signMessage(getBytes(params[0]));
        default:
          throw new Error(`the test wallet does not do ${method}`);
      }
    });
    await page.addInitScript(() => {
      window.ethereum = { isMoatTestWallet: true, request: (args) => window.moatWallet(args) };
    });

    const traffic = [];
    page.on('request', (req) => traffic.push(`> ${req.method()} ${req.url()}\n${JSON.stringify(req.headers())}\n${req.postData() ?? ''}`));
    const bodies = [];
    page.on('response', (res) => bodies.push(res.text().then(
      (text) => traffic.push(`< ${res.status()} ${res.url()}\n${JSON.stringify(res.headers())}\n${text}`),
      () => {})));

    await page.goto(env('MOAT_DAPP_URL'));
    await page.click('#connect');
    await page.waitForFunction(() => /^(signed in|error)/.test(document.querySelector('#status').textContent), null, { timeout: 30000 });
    await Promise.all(bodies);
    const status = await page.textContent('#status');
    const nfts = await page.textContent('#nfts');
    const collection = await page.textContent('#collection');
    const dom = await page.content();
    await page.screenshot({ path: env('MOAT_SCREENSHOT'), fullPage: true });

    console.log(`address: ${wallet.address}\nstatus: ${status}\nnfts: ${nfts}\ncollection: ${collection}`);
    const problems = [];
    if (status !== 'signed in; both calls succeeded') problems.push(`status is "${status}"`);
    if (!nfts.startsWith('200 ') || !nfts.includes(wallet.address.toLowerCase())) problems.push(`NFT call: ${nfts}`);
    if (!collection.startsWith('200 ')) problems.push(`SigV4 call: ${collection}`);
    if (dom.includes(secret)) problems.push('the page holds the provider key');
    if (traffic.some((t) => t.includes(secret))) problems.push('the network log holds the provider key');
    if (!(await page.textContent('#claims')).includes(wallet.address.toLowerCase())) problems.push('the claims shown lack the address');
    if (problems.length) throw new Error(problems.join('; '));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`FAIL: ${e.message}`);
  process.exit(1);
});
