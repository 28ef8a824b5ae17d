// A user's self-service life with amazon-cognito-identity-js against moat:
// signUp → confirmRegistration (code read from the SMTP sink's mailbox) →
// forgotPassword → confirmPassword → sign in; and, for a user an admin
// created with a temporary password, completeNewPasswordChallenge.
//
// Environment: MOAT_IDENTITY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_MAILBOX_URL, MOAT_INVITED_USERNAME, MOAT_INVITED_PASSWORD.
// Exits 1 naming the first mismatch.

import cognito from 'amazon-cognito-identity-js';
import { Mismatch, check, env, callback, codeFor } from './script.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

function signIn(user, password, onNewPassword) {
  user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  const details = new AuthenticationDetails({ Username: user.getUsername(), Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) => {
        if (!onNewPassword) {
          reject(new Mismatch('unexpected NEW_PASSWORD_REQUIRED'));
          return;
        }
        onNewPassword(userAttributes, requiredAttributes, { onSuccess: resolve, onFailure: reject });
      },
    });
  });
}

async function main() {
  const pool = new CognitoUserPool({
    UserPoolId: env('MOAT_USER_POOL_ID'),
    ClientId: env('MOAT_CLIENT_ID'),
    endpoint: env('MOAT_IDENTITY_URL').replace(/\/+$/, ''),
  });
  const username = `js-${Math.random().toString(36).slice(2, 10)}`;
  const email = `${username}@example.com`;

  const signed = await callback((cb) =>
    pool.signUp(username, 'First-Pass-1', [new CognitoUserAttribute({ Name: 'email', Value: email })], [], cb));
  check(signed.userConfirmed === false, `signUp: userConfirmed ${signed.userConfirmed}`);
  check(signed.codeDeliveryDetails?.Destination === `${username[0]}***@e***`, `signUp: ${JSON.stringify(signed.codeDeliveryDetails)}`);

  const user = new CognitoUser({ Username: username, Pool: pool });
  const signUpCode = await codeFor(email);
  const confirmed = await callback((cb) => user.confirmRegistration(signUpCode, true, cb));
  check(confirmed === 'SUCCESS', `confirmRegistration: ${confirmed}`);

  await new Promise((resolve, reject) => {
    user.forgotPassword({
      onSuccess: resolve,
      onFailure: reject,
      inputVerificationCode: async () => {
        try {
          const code = await codeFor(email);
          user.confirmPassword(code, 'Second-Pass-2', { onSuccess: resolve, onFailure: reject });
        } catch (e) {
          reject(e);
        }
      },
    });
  });
  const session = await signIn(new CognitoUser({ Username: username, Pool: pool }), 'Second-Pass-2');
  check(session.getIdToken().payload.email === email, 'the ID token after a reset lacks the email');

  const invited = new CognitoUser({ Username: env('MOAT_INVITED_USERNAME'), Pool: pool });
  const invitedSession = await signIn(invited, env('MOAT_INVITED_PASSWORD'), (userAttributes, _required, handlers) => {
    delete userAttributes.email_verified; // read-only, as the library's docs say
    delete userAttributes.email;
    invited.completeNewPasswordChallenge('Chosen-Pass-3', userAttributes, handlers);
  });
  check(invitedSession.isValid(), 'completeNewPasswordChallenge did not yield a valid session');
  await signIn(new CognitoUser({ Username: env('MOAT_INVITED_USERNAME'), Pool: pool }), 'Chosen-Pass-3');
  console.log('amazon-cognito-identity-js lifecycle: signUp, confirmRegistration, forgotPassword/confirmPassword, completeNewPasswordChallenge: OK');
}

main().catch((e) => {
  console.error(`FAIL: ${e instanceof Error ? e.message : JSON.stringify(e)}`);
  process.exit(1);
});
