// What every client script shares: a failed expectation (Mismatch, check),
// its environment (env), callback-style client methods as promises, and the
// codes moat mailed, read from the test's SMTP sink (MOAT_MAILBOX_URL).

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
