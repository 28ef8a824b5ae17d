// Sign in to moat with an Ethereum wallet from the command line: the
// CUSTOM_AUTH flow with an EIP-4361 message, signed by ethers.
//
//   MOAT_IDENTITY_URL=http://127.0.0.1:9229 MOAT_CLIENT_ID=<dApp client id> \
//   MOAT_WALLET_KEY=0x<private key, or unset for a fresh one> node wallet_signin.mjs
//
// Prints the address, the message it signed and the ID token's claims as
// JSON; the tokens themselves go to stdout's "tokens" field for scripts.

import { Wallet } from 'ethers';

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function call(target, body) {
  const res = await fetch(env('MOAT_IDENTITY_URL'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  const out = await res.json();
  if (!res.ok) throw new Error(`${target}: ${out.__type}: ${out.message}`);
  return out;
}

async function main() {
  const wallet = process.env.MOAT_WALLET_KEY ? new Wallet(process.env.MOAT_WALLET_KEY) : Wallet.createRandom();
  const clientId = env('MOAT_CLIENT_ID');
  const challenge = await call('InitiateAuth', { AuthFlow: 'CUSTOM_AUTH', ClientId: clientId, AuthParameters: { USERNAME: wallet.address } });
  const message = challenge.ChallengeParameters.message;
  const signature = await wallet.signMessage(message); // EIP-191 personal_sign
  const done = await call('RespondToAuthChallenge', {
    ClientId: clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: challenge.Session,
    ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USERNAME, ANSWER: signature },
  });
  const idToken = done.AuthenticationResult.IdToken;
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString());
  console.log(JSON.stringify({ address: wallet.address, message, claims, tokens: done.AuthenticationResult }, null, 2));
}

main().catch((e) => {
  console.error(`FAIL: ${e.message}`);
  process.exit(1);
});
