// The page's code: aws-amplify v6 as an app uses it, pointed at moat by
// userPoolEndpoint / identityPoolEndpoint alone. amplify_browser.mjs bundles
// it with esbuild and calls the functions on window.moatAmplify in order.

import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { get } from 'aws-amplify/api';

// session reports what fetchAuthSession gives: the identity id, whether
// there are credentials and tokens, and the tokens' ids to tell them apart.
async function session(options) {
  const s = await fetchAuthSession(options);
  return {
    identityId: s.identityId ?? null,
    accessKeyId: s.credentials?.accessKeyId ?? null,
    hasSessionToken: Boolean(s.credentials?.sessionToken),
    idTokenJti: s.tokens?.idToken?.payload?.jti ?? null,
    accessTokenJti: s.tokens?.accessToken?.payload?.jti ?? null,
    sub: s.tokens?.idToken?.payload?.sub ?? null,
  };
}

// failure keeps what a rejected call said, so the driver can report it.
function failure(e) {
  return { error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` };
}

async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    return failure(e);
  }
}

window.moatAmplify = {
  configure(cfg) {
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: cfg.userPoolId,
          userPoolClientId: cfg.clientId,
          identityPoolId: cfg.identityPoolId,
          userPoolEndpoint: cfg.identityURL,
          identityPoolEndpoint: cfg.identityURL,
          allowGuestAccess: true,
        },
      },
      API: { REST: { moat: { endpoint: cfg.apiURL, region: cfg.region } } },
    });
    return true;
  },
  session: (forceRefresh) => attempt(() => session({ forceRefresh })),
  signIn: (username, password) => attempt(async () => {
    const out = await signIn({ username, password });
    return { isSignedIn: out.isSignedIn, nextStep: out.nextStep?.signInStep ?? null };
  }),
  signOut: () => attempt(async () => {
    await signOut();
    return { signedOut: true };
  }),
  // call is a SigV4-signed request with the session's identity-pool
  // credentials, as Amplify's REST API category makes it.
  call: (path) => attempt(async () => {
    const { body, statusCode } = await get({ apiName: 'moat', path }).response;
    return { statusCode, body: await body.text() };
  }),
};
window.moatAmplifyReady = true;
