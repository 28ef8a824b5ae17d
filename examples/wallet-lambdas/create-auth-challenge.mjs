// CreateAuthChallenge: a fresh nonce in a message for the wallet to sign.
// The client sees the message (ChallengeParameters.message, as moat's
// built-in wallet sign-in names it); only Verify sees what was asked.
import { randomBytes } from 'node:crypto';

export const handler = async (event) => {
  const nonce = randomBytes(16).toString('hex');
  const message = `Sign in to ${process.env.APP_NAME || 'the dApp'} as ${event.userName}\nNonce: ${nonce}`;
  event.response.publicChallengeParameters = { message, nonce };
  event.response.privateChallengeParameters = { message };
  event.response.challengeMetadata = `NONCE-${nonce}`;
  return event;
};
