// The page's code for amplify_mfa.mjs: aws-amplify v6 as an app uses it
// for second factors and passkeys, pointed at moat by userPoolEndpoint. The
// driver calls the functions on window.moatMFA in order.

import { Amplify } from 'aws-amplify';
import {
  associateWebAuthnCredential, confirmSignIn, deleteWebAuthnCredential, fetchAuthSession,
  listWebAuthnCredentials, signIn, signOut,
} from 'aws-amplify/auth';
import { attempt } from './attempt.mjs';

// step reports a sign-in step: where it stands and, for TOTP setup, the secret.
function step(out) {
  return {
    isSignedIn: out.isSignedIn,
    nextStep: out.nextStep?.signInStep ?? null,
    sharedSecret: out.nextStep?.totpSetupDetails?.sharedSecret ?? null,
    availableChallenges: out.nextStep?.availableChallenges ?? null,
  };
}

// totp is RFC 6238 (SHA-1, six digits, 30 s) with WebCrypto, as an
// authenticator app would show it now.
async function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = new Uint8Array(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(Date.now() / 30000)));
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, counter.buffer));
  const offset = mac[mac.length - 1] & 0xf;
  const n = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(n % 1000000).padStart(6, '0');
}

window.moatMFA = {
  configure(cfg) {
    Amplify.configure({
      Auth: { Cognito: { userPoolId: cfg.userPoolId, userPoolClientId: cfg.clientId, userPoolEndpoint: cfg.identityURL } },
    });
    return true;
  },
  signIn: (username, password, options) => attempt(async () => step(await signIn({ username, password, options }))),
  confirmSignIn: (challengeResponse) => attempt(async () => step(await confirmSignIn({ challengeResponse }))),
  // confirmTOTP answers the TOTP setup step with the code the secret gives now.
  confirmTOTP: (secret) => attempt(async () => step(await confirmSignIn({ challengeResponse: await totp(secret) }))),
  session: () => attempt(async () => {
    const s = await fetchAuthSession();
    return { sub: s.tokens?.idToken?.payload?.sub ?? null, amr: s.tokens?.accessToken?.payload?.scope ?? null };
  }),
  associatePasskey: () => attempt(async () => {
    await associateWebAuthnCredential();
    return { associated: true };
  }),
  listPasskeys: () => attempt(async () => {
    const out = await listWebAuthnCredentials();
    return { credentials: out.credentials.map((c) => ({ id: c.credentialId, rp: c.relyingPartyId, name: c.friendlyCredentialName })) };
  }),
  deletePasskey: (credentialId) => attempt(async () => {
    await deleteWebAuthnCredential({ credentialId });
    return { deleted: true };
  }),
  signOut: () => attempt(async () => {
    await signOut();
    return { signedOut: true };
  }),
};
window.moatMFAReady = true;
