// What every client script shares: a failed expectation (Mismatch, check),
// its environment (env), callback-style client methods as promises, the
// codes moat mailed, read from the test's SMTP sink (MOAT_MAILBOX_URL), and
// how a script's checks are run and summed up (run).

export class Mismatch extends Error {}

export function check(condition, message) {
  if (!condition) throw new Mismatch(message);
}

export function env(name) {
  const value = process.env[name];
  check(value, `environment variable ${name} is not set`);
  return value;
}

// callback runs a callback-style client method as a promise.
export function callback(fn) {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

// codeFor waits for the next mail to address and returns the code in it.
export async function codeFor(address) {
  const res = await fetch(`${env('MOAT_MAILBOX_URL')}/code?to=${encodeURIComponent(address)}`);
  check(res.ok, `no mail reached ${address}: HTTP ${res.status}`);
  return (await res.text()).trim();
}

// run awaits main, which returns the lines of what it checked, and prints
// them under banner, or the failure (exit code 1, naming the first mismatch).
export async function run(banner, main) {
  try {
    const summary = await main();
    console.log(`${banner}: all checks passed`);
    for (const line of summary ?? []) console.log(`  ok: ${line}`);
  } catch (error) {
    const reason = error instanceof Mismatch ? error.message : `${error.code ?? error.name}: ${error.message}`;
    console.error(`FAIL: ${reason}`);
    process.exitCode = 1;
  }
}
