// amazon-cognito-identity-js through moat's Cognito proxy (a gateway route
// of type cognito_idp) with an app client that HAS a secret, which this
// script never sees: signUp → confirmRegistration (code from the SMTP
// sink's mailbox) → forgotPassword → confirmPassword → USER_SRP_AUTH
// sign-in → refreshSession → GetUser. The
// same signUp and sign-in straight to the identity listener, without
// SECRET_HASH, must fail.
//
// Environment: MOAT_PROXY_URL, MOAT_IDENTITY_URL, MOAT_USER_POOL_ID,
// MOAT_CLIENT_ID, MOAT_MAILBOX_URL. Prints one JSON line with the user and
// the tokens the proxy handed out, for the test to try elsewhere. Exits 1
// naming the first mismatch.

import cognito from 'amazon-cognito-identity-js';
import { Mismatch, check, env, callback, codeFor } from './script.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

function signIn(pool, username, password) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
      newPasswordRequired: () => reject(new Mismatch('unexpected NEW_PASSWORD_REQUIRED')),
      mfaRequired: () => reject(new Mismatch('unexpected SMS_MFA')),
      totpRequired: () => reject(new Mismatch('unexpected SOFTWARE_TOKEN_MFA')),
    });
  });
}

// refused runs a call that must fail, and returns its error.
async function refused(what, call) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Mismatch(`${what} succeeded straight to the identity listener without SECRET_HASH`);
}

async function main() {
  const config = { UserPoolId: env('MOAT_USER_POOL_ID'), ClientId: env('MOAT_CLIENT_ID') };
  const pool = new CognitoUserPool({ ...config, endpoint: env('MOAT_PROXY_URL') });
  const direct = new CognitoUserPool({ ...config, endpoint: `${env('MOAT_IDENTITY_URL').replace(/\/+$/, '')}/` });
  const username = `px-${Math.random().toString(36).slice(2, 10)}`;
  const email = `${username}@example.com`;
  const password = 'Proxied-Pass-1';
  const newPassword = 'Proxied-Pass-2';
  const summary = [];

  const signed = await callback((cb) =>
    pool.signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: email })], [], cb));
  check(signed.userConfirmed === false && signed.userSub, `signUp: ${JSON.stringify(signed)}`);
  const code = await codeFor(email);
  const confirmed = await callback((cb) => new CognitoUser({ Username: username, Pool: pool }).confirmRegistration(code, true, cb));
  check(confirmed === 'SUCCESS', `confirmRegistration: ${confirmed}`);
  summary.push(`signUp + confirmRegistration of ${username} through the proxy`);

  const reset = new CognitoUser({ Username: username, Pool: pool });
  await new Promise((resolve, reject) => {
    reset.forgotPassword({
      onSuccess: resolve,
      onFailure: reject,
      inputVerificationCode: async () => {
        try {
          reset.confirmPassword(await codeFor(email), newPassword, { onSuccess: resolve, onFailure: reject });
        } catch (e) {
          reject(e);
        }
      },
    });
  });
  summary.push('forgotPassword + confirmPassword through the proxy');

  const { user, session } = await signIn(pool, username, newPassword);
  check(session.isValid(), 'the SRP session is not valid');
  check(session.getIdToken().payload['cognito:username'] === username, 'the ID token names another user');
  summary.push('USER_SRP_AUTH sign-in through the proxy');

  const refreshed = await callback((cb) => user.refreshSession(session.getRefreshToken(), cb));
  check(refreshed.isValid(), 'the refreshed session is not valid');
  check(refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken(), 'refreshSession returned the same access token');
  summary.push('refreshSession (REFRESH_TOKEN_AUTH) through the proxy');

  const attributes = await callback((cb) => user.getUserAttributes(cb));
  check(attributes.some((a) => a.getName() === 'email' && a.getValue() === email), `GetUser: ${JSON.stringify(attributes)}`);
  summary.push('GetUser with the proxy\'s access token through the proxy');

  const upErr = await refused('signUp', () => callback((cb) => direct.signUp(`${username}-direct`, password, [], [], cb)));
  check(upErr.code === 'NotAuthorizedException' && /SECRET_HASH/.test(upErr.message), `direct signUp failed with ${upErr.code}: ${upErr.message}`);
  const inErr = await refused('sign-in', () => signIn(direct, username, newPassword));
  check(inErr.code === 'NotAuthorizedException' && /SECRET_HASH/.test(inErr.message), `direct sign-in failed with ${inErr.code}: ${inErr.message}`);
  summary.push(`straight to the identity listener: signUp and sign-in refused (${upErr.message})`);

  for (const line of summary) console.error(`  ok: ${line}`);
  console.log(JSON.stringify({
    username,
    accessToken: refreshed.getAccessToken().getJwtToken(),
    refreshToken: refreshed.getRefreshToken().getToken(),
  }));
}

main().catch((e) => {
  console.error(`FAIL: ${e instanceof Mismatch ? e.message : `${e.code ?? e.name}: ${e.message}`}`);
  process.exit(1);
});
