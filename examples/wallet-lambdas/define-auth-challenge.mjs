// DefineAuthChallenge: one wallet challenge per round; tokens once a
// signature was right; the sign-in fails after three wrong ones. A client
// that starts with SRP (amazon-cognito-identity-js's CUSTOM_AUTH with a
// password, Amplify's CUSTOM_WITH_SRP) proves the password first.
export const handler = async (event) => {
  const session = event.request.session;
  const last = session[session.length - 1];
  const walletRounds = session.filter((round) => round.challengeName === 'CUSTOM_CHALLENGE').length;
  event.response.issueTokens = false;
  event.response.failAuthentication = false;
  if (event.request.userNotFound || (last && last.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult)) {
    event.response.failAuthentication = true;
  } else if (last && last.challengeName === 'SRP_A') {
    event.response.challengeName = 'PASSWORD_VERIFIER';
  } else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) {
    event.response.issueTokens = true;
  } else if (walletRounds >= 3) {
    event.response.failAuthentication = true;
  } else {
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};
