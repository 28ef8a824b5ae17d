// What every client script here shares: how a mismatch is reported, where
// settings and mailed codes come from, and how a script's checks are run
// and summed up (exit code 1 naming the first mismatch).

export class Mismatch extends Error {}

export function check(condition, message) {
  if (!condition) throw new Mismatch(message);
}

export function env(name) {
  const value = process.env[name];
  check(value, `environment variable ${name} is not set`);
  return value;
}

// codeFor is the latest code mailed to address, read from the test's SMTP sink.
export async function codeFor(address) {
  const res = await fetch(`${env('MOAT_MAILBOX_URL')}/code?to=${encodeURIComponent(address)}`);
  check(res.ok, `no mail reached ${address}: HTTP ${res.status}`);
  return (await res.text()).trim();
}

// run awaits main, which returns the lines of what it checked, and prints
// them under banner, or the failure.
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
