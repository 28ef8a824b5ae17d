// DefineAuthChallenge: one wallet challenge per round; tokens once a
// signature was right; the sign-in fails after three wrong ones.
export const handler = async (event) => {
  const session = event.request.session;
  const last = session[session.length - 1];
  event.response.issueTokens = false;
  event.response.failAuthentication = false;
  if (event.request.userNotFound) {
    event.response.failAuthentication = true;
  } else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) {
    event.response.issueTokens = true;
  } else if (session.length >= 3) {
    event.response.failAuthentication = true;
  } else {
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};
