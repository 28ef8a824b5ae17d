// Sign in to a running moat with amazon-cognito-identity-js's DEFAULT flow,
// USER_SRP_AUTH (no setAuthenticationFlowType), as most browser apps do: the
// password never leaves the client, only an SRP proof of it.
//
// Environment: MOAT_IDENTITY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_USERNAME, MOAT_PASSWORD, MOAT_EMAIL. Exits 1 naming the first mismatch.

import cognito from 'amazon-cognito-identity-js';
import { Mismatch, check, env } from './script.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

// authenticateUser settles as onSuccess(session) or onFailure(err); any
// other callback means moat asked for a challenge a permanent password must not get.
function signIn(pool, username, secret) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  check(user.getAuthenticationFlowType() === 'USER_SRP_AUTH',
    `the library's default flow is ${user.getAuthenticationFlowType()}, not USER_SRP_AUTH`);
  const details = new AuthenticationDetails({ Username: username, Password: secret });
  return new Promise((resolve) => {
    const unexpected = (name) => (...args) => resolve({ challenge: name, args });
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: (error) => resolve({ error }),
      newPasswordRequired: unexpected('newPasswordRequired'),
      mfaRequired: unexpected('mfaRequired'),
      totpRequired: unexpected('totpRequired'),
      selectMFAType: unexpected('selectMFAType'),
      mfaSetup: unexpected('mfaSetup'),
      customChallenge: unexpected('customChallenge'),
    });
  });
}

async function main() {
  const identityURL = env('MOAT_IDENTITY_URL').replace(/\/+$/, '');
  const poolId = env('MOAT_USER_POOL_ID');
  const clientId = env('MOAT_CLIENT_ID');
  const username = env('MOAT_USERNAME');
  const password = env('MOAT_PASSWORD');
  const email = env('MOAT_EMAIL');
  const summary = [];
  // The client POSTs to the endpoint itself, so moat's root path is the API.
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${identityURL}/` });

  const wrong = await signIn(pool, username, `${password}-wrong`);
  check(wrong.error, `a wrong password did not call onFailure: ${JSON.stringify(wrong.challenge ?? 'onSuccess')}`);
  check(wrong.error.code === 'NotAuthorizedException' && wrong.error.message === 'Incorrect username or password.',
    `a wrong password failed with ${wrong.error.code} (${wrong.error.message}), want NotAuthorizedException`);
  summary.push(`wrong password: onFailure ${wrong.error.code}: ${wrong.error.message}`);

  const right = await signIn(pool, username, password);
  check(!right.error, `sign-in failed: ${right.error?.code}: ${right.error?.message}`);
  check(!right.challenge, `sign-in was challenged: ${right.challenge}`);
  check(right.session.isValid(), 'the session from onSuccess is not valid');

  const id = right.session.getIdToken().payload;
  const want = { email, 'cognito:username': username, iss: `${identityURL}/${poolId}`, aud: clientId, token_use: 'id' };
  for (const [name, value] of Object.entries(want)) {
    check(id[name] === value, `ID token ${name} = ${JSON.stringify(id[name])}, want ${JSON.stringify(value)}`);
  }
  const access = right.session.getAccessToken().payload;
  check(access.client_id === clientId, `access token client_id = ${JSON.stringify(access.client_id)}, want ${clientId}`);
  check(right.session.getRefreshToken().getToken(), 'the session has no refresh token');
  summary.push(`USER_SRP_AUTH sign-in: ID token for ${id['cognito:username']} from ${id.iss}`);
  return summary;
}

try {
  const summary = await main();
  console.log('amazon-cognito-identity-js (SRP): all checks passed');
  for (const line of summary) console.log(`  ok: ${line}`);
} catch (error) {
  const reason = error instanceof Mismatch ? error.message : `${error.code ?? error.name}: ${error.message}`;
  console.error(`FAIL: ${reason}`);
  process.exitCode = 1;
}
