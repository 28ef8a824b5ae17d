// aws-amplify v6 (in Node) through moat's Cognito proxy with an app client
// that HAS a secret, which this script never sees: signUp → confirmSignUp
// (code from the SMTP sink's mailbox) → signIn (SRP, Amplify's default) →
// fetchAuthSession({forceRefresh: true}) (GetTokensFromRefreshToken) →
// fetchUserAttributes (GetUser) → signOut.
//
// Environment: MOAT_PROXY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_MAILBOX_URL. Exits 1 naming the first mismatch.

import { Amplify } from 'aws-amplify';
import { confirmSignUp, fetchAuthSession, fetchUserAttributes, signIn, signOut, signUp } from 'aws-amplify/auth';
import { Mismatch, check, env, codeFor } from './script.mjs';

async function main() {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: env('MOAT_USER_POOL_ID'),
        userPoolClientId: env('MOAT_CLIENT_ID'),
        userPoolEndpoint: env('MOAT_PROXY_URL'),
      },
    },
  });
  const username = `amp-${Math.random().toString(36).slice(2, 10)}`;
  const email = `${username}@example.com`;
  const password = 'Amplified-Pass-1';
  const summary = [];

  const up = await signUp({ username, password, options: { userAttributes: { email } } });
  check(!up.isSignUpComplete && up.nextStep.signUpStep === 'CONFIRM_SIGN_UP', `signUp: ${JSON.stringify(up)}`);
  const confirmed = await confirmSignUp({ username, confirmationCode: await codeFor(email) });
  check(confirmed.isSignUpComplete, `confirmSignUp: ${JSON.stringify(confirmed)}`);
  summary.push(`signUp + confirmSignUp of ${username}`);

  const signedIn = await signIn({ username, password });
  check(signedIn.isSignedIn, `signIn: ${JSON.stringify(signedIn.nextStep)}`);
  const first = await fetchAuthSession();
  check(first.tokens?.idToken?.payload?.['cognito:username'] === username, 'the ID token names another user');
  summary.push('signIn (USER_SRP_AUTH)');

  const refreshed = await fetchAuthSession({ forceRefresh: true });
  check(refreshed.tokens?.accessToken && refreshed.tokens.accessToken.toString() !== first.tokens.accessToken.toString(),
    'forceRefresh gave no new access token');
  summary.push('fetchAuthSession({forceRefresh: true}) (GetTokensFromRefreshToken)');

  const attributes = await fetchUserAttributes();
  check(attributes.email === email, `fetchUserAttributes: ${JSON.stringify(attributes)}`);
  summary.push('fetchUserAttributes (GetUser)');
  await signOut();
  summary.push('signOut');
  for (const line of summary) console.log(`  ok: ${line}`);
}

main().catch((e) => {
  console.error(`FAIL: ${e instanceof Mismatch ? e.message : `${e.name}: ${e.message}`}`);
  process.exit(1);
});
