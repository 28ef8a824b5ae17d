// VerifyAuthChallengeResponse: the answer is an EIP-191 signature of the
// message; it is right when it recovers the address the user signs in as.
import { verifyMessage } from 'ethers';

export const handler = async (event) => {
  let signer = '';
  try {
    signer = verifyMessage(event.request.privateChallengeParameters.message, event.request.challengeAnswer);
  } catch {
    // not a signature: a wrong answer
  }
  event.response.answerCorrect = signer !== '' && signer.toLowerCase() === event.userName.toLowerCase();
  return event;
};
