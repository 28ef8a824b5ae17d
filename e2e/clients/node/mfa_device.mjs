// Second factors and remembered devices with amazon-cognito-identity-js, as
// a browser app uses them: its default USER_SRP_AUTH sign-in is challenged
// with SOFTWARE_TOKEN_MFA (totpRequired), answered with sendMFACode; the
// library then confirms the device moat named. Signing in again, the
// remembered device proves itself with DEVICE_SRP_AUTH and no code is asked.
//
// Environment: MOAT_IDENTITY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_USERNAME, MOAT_PASSWORD, MOAT_TOTP_SECRET (base32). Exits 1 naming
// the first mismatch.

import { createHmac } from 'node:crypto';
import cognito from 'amazon-cognito-identity-js';
import { check, env, run } from './script.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

// totp is RFC 6238 as authenticator apps compute it: SHA-1, six digits, 30 s.
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// Every challenge the client answers, in order, seen on the wire.
const challengesAnswered = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  if (init?.headers?.['X-Amz-Target']?.endsWith('RespondToAuthChallenge')) {
    challengesAnswered.push(JSON.parse(init.body).ChallengeName);
  }
  return realFetch(url, init);
};

// signIn settles with the callback the library called; totpRequired is
// answered with the code when one is given.
function signIn(pool, username, password, code) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve) => {
    const callbacks = {
      onSuccess: (session) => resolve({ user, session, asked }),
      onFailure: (error) => resolve({ error, asked }),
      totpRequired: (name) => {
        asked.push(`totpRequired:${name}`);
        if (!code) return resolve({ asked });
        return user.sendMFACode(code, callbacks, 'SOFTWARE_TOKEN_MFA');
      },
      mfaRequired: (name) => resolve({ asked: [...asked, `mfaRequired:${name}`] }),
      selectMFAType: () => resolve({ asked: [...asked, 'selectMFAType'] }),
      mfaSetup: () => resolve({ asked: [...asked, 'mfaSetup'] }),
      newPasswordRequired: () => resolve({ asked: [...asked, 'newPasswordRequired'] }),
    };
    const asked = [];
    user.authenticateUser(details, callbacks);
  });
}

async function main() {
  const identityURL = env('MOAT_IDENTITY_URL').replace(/\/+$/, '');
  const username = env('MOAT_USERNAME');
  const password = env('MOAT_PASSWORD');
  const secret = env('MOAT_TOTP_SECRET');
  const pool = new CognitoUserPool({ UserPoolId: env('MOAT_USER_POOL_ID'), ClientId: env('MOAT_CLIENT_ID'), endpoint: `${identityURL}/` });
  const summary = [];

  // The caller's enrolment spent this step's code: answer with the next one's.
  const step = Math.floor(Date.now() / 30000) + 1;
  const wrong = await signIn(pool, username, password, String((Number(totp(secret, step)) + 1) % 1000000).padStart(6, '0'));
  check(wrong.asked.includes('totpRequired:SOFTWARE_TOKEN_MFA'), `sign-in did not call totpRequired: ${JSON.stringify(wrong.asked)}`);
  check(wrong.error?.code === 'CodeMismatchException', `a wrong code gave ${wrong.error?.code}: ${wrong.error?.message}`);
  summary.push(`totpRequired, a wrong code: ${wrong.error.code}`);

  const first = await signIn(pool, username, password, totp(secret, step));
  check(!first.error, `sign-in with the right code failed: ${first.error?.code}: ${first.error?.message}`);
  check(first.session?.isValid(), `sign-in with the right code did not finish: ${JSON.stringify(first.asked)}`);
  const deviceKey = first.user.deviceKey;
  check(deviceKey, 'the library did not confirm a device after the sign-in');
  check(first.session.getAccessToken().payload.device_key === deviceKey, 'the access token does not carry the device key');
  summary.push(`sendMFACode(…, 'SOFTWARE_TOKEN_MFA') signed in; device ${deviceKey} confirmed`);

  const devices = await new Promise((resolve, reject) => first.user.listDevices(10, null, {
    onSuccess: resolve, onFailure: reject,
  }));
  check(devices.Devices.length === 1 && devices.Devices[0].DeviceKey === deviceKey, `listDevices: ${JSON.stringify(devices)}`);
  const remembered = devices.Devices[0].DeviceAttributes.find((a) => a.Name === 'dev:device_remembered_status')?.Value;
  check(remembered === 'remembered', `the device is ${remembered}, want remembered`);

  challengesAnswered.length = 0;
  const second = await signIn(pool, username, password, null);
  check(!second.error, `the second sign-in failed: ${second.error?.code}: ${second.error?.message}`);
  check(second.asked.length === 0, `the second sign-in asked for ${JSON.stringify(second.asked)}`);
  check(second.session?.isValid(), 'the second sign-in has no valid session');
  const want = ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER'];
  check(JSON.stringify(challengesAnswered) === JSON.stringify(want), `the second sign-in answered ${JSON.stringify(challengesAnswered)}, want ${JSON.stringify(want)}`);
  summary.push(`second sign-in: ${challengesAnswered.join(' → ')}, no code asked`);
  return summary;
}

await run('amazon-cognito-identity-js (MFA, devices)', main);
