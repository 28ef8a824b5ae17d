// Sign in to a running moat with amazon-cognito-identity-js, pointed at moat
// by the CognitoUserPool `endpoint` option alone, as a browser app would:
// with the library's DEFAULT flow, USER_SRP_AUTH (the password never leaves
// the client, only an SRP proof of it), or with the flow MOAT_AUTH_FLOW names.
//
// Environment: MOAT_IDENTITY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_USERNAME, MOAT_PASSWORD, MOAT_EMAIL, and MOAT_AUTH_FLOW (optional).
// Exits 1 naming the first mismatch.

import cognito from 'amazon-cognito-identity-js';

import { check, env, run } from './script.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const flow = process.env.MOAT_AUTH_FLOW || 'USER_SRP_AUTH';

// authenticateUser settles as onSuccess(session) or onFailure(err); any
// other callback means moat asked for a challenge a permanent password must not get.
function signIn(pool, username, secret) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  if (process.env.MOAT_AUTH_FLOW) {
    user.setAuthenticationFlowType(flow);
  }
  check(user.getAuthenticationFlowType() === flow,
    `the library's flow is ${user.getAuthenticationFlowType()}, not ${flow}`);
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

function attributesOf(user) {
  return new Promise((resolve, reject) => {
    user.getUserAttributes((error, attributes) => (error ? reject(error) : resolve(attributes)));
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
  check(access.token_use === 'access', `access token token_use = ${JSON.stringify(access.token_use)}`);
  check(right.session.getRefreshToken().getToken(), 'the session has no refresh token');
  summary.push(`${flow} sign-in: ID token for ${id['cognito:username']} from ${id.iss}`);

  const attributes = Object.fromEntries((await attributesOf(right.user)).map((a) => [a.getName(), a.getValue()]));
  check(attributes.email === email, `getUserAttributes email = ${JSON.stringify(attributes.email)}, want ${email}`);
  check(attributes.sub === id.sub, `getUserAttributes sub = ${JSON.stringify(attributes.sub)}, ID token sub = ${id.sub}`);
  summary.push(`getUserAttributes: ${Object.keys(attributes).sort().join(', ')}`);
  return summary;
}

await run(`amazon-cognito-identity-js (${flow})`, main);
