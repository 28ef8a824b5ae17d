// Sign an ethers wallet in with amazon-cognito-identity-js through a pool's
// custom-challenge triggers: CUSTOM_AUTH, and the customChallenge callback
// answering with the signature of the message the challenge carries; then
// again with the password as well, which identity-js proves by SRP first
// (CHALLENGE_NAME SRP_A, PASSWORD_VERIFIER) before the wallet's challenge.
//
// Environment: MOAT_IDENTITY_URL, MOAT_USER_POOL_ID, MOAT_CLIENT_ID,
// MOAT_WALLET_KEY, MOAT_PASSWORD. Exits 1 naming the first mismatch.

import cognito from 'amazon-cognito-identity-js';
import { Wallet } from 'ethers';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function signIn(pool, wallet, password) {
  const user = new CognitoUser({ Username: wallet.address, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const details = new AuthenticationDetails({ Username: wallet.address, Password: password });
  const rounds = [];
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ session, rounds }),
      onFailure: reject,
      customChallenge: async (parameters) => {
        rounds.push(parameters);
        try {
          user.sendCustomChallengeAnswer(await wallet.signMessage(parameters.message), callbacks);
        } catch (e) {
          reject(e);
        }
      },
    };
    if (password) user.authenticateUser(details, callbacks);
    else user.initiateAuth(details, callbacks);
  });
}

async function main() {
  const pool = new CognitoUserPool({ UserPoolId: env('MOAT_USER_POOL_ID'), ClientId: env('MOAT_CLIENT_ID'),
    endpoint: `${env('MOAT_IDENTITY_URL').replace(/\/+$/, '')}/` });
  const wallet = new Wallet(env('MOAT_WALLET_KEY'));
  for (const [how, password] of [['the wallet', undefined], ['the password (SRP), then the wallet', env('MOAT_PASSWORD')]]) {
    const { session, rounds } = await signIn(pool, wallet, password);
    const id = session.getIdToken().payload;
    if (id['cognito:username'] !== wallet.address) throw new Error(`${how}: ID token for ${id['cognito:username']}, want ${wallet.address}`);
    if (rounds.length !== 1 || !rounds[0].nonce) throw new Error(`${how}: challenges seen: ${JSON.stringify(rounds)}`);
    console.log(`amazon-cognito-identity-js customChallenge: ${wallet.address} signed in with ${how} (nonce ${rounds[0].nonce})`);
  }
  const wrong = await signIn(pool, wallet, 'Not-The-Pass-1!').then(() => null, (e) => e);
  if (wrong?.code !== 'NotAuthorizedException') throw new Error(`a wrong password: ${wrong?.code ?? 'signed in'}`);
  console.log(`amazon-cognito-identity-js: a wrong password before the wallet fails with ${wrong.code}`);
}

main().catch((e) => {
  console.error(`FAIL: ${e.code ?? ''} ${e.message}`);
  process.exit(1);
});
