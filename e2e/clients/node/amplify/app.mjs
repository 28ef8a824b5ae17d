// The page's code: aws-amplify v6 as an app uses it, pointed at moat by
// userPoolEndpoint / identityPoolEndpoint alone, and, for the hosted UI,
// by loginWith.oauth's domain. amplify_browser.mjs bundles it with esbuild
// and calls the functions on window.moatAmplify in order.

import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signInWithRedirect, signOut } from 'aws-amplify/auth';
import { get } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import { attempt } from './attempt.mjs';

// The auth events the page saw, from its first moment: a redirect sign-in
// completes while Amplify.configure runs, on the page the hosted UI sends
// the browser back to.
window.moatAuthEvents = [];
Hub.listen('auth', ({ payload }) => {
  window.moatAuthEvents.push({ event: payload.event, message: payload.data?.message ?? payload.data?.error?.message ?? null });
});

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
          // The hosted UI: Amplify speaks https://<domain> only.
          ...(cfg.oauthDomain ? {
            loginWith: {
              oauth: {
                domain: cfg.oauthDomain, scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
                redirectSignIn: [cfg.redirect], redirectSignOut: [cfg.redirect], responseType: 'code',
              },
            },
          } : {}),
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
  // signInWithRedirect sends the browser to the hosted UI; the promise is
  // left behind with the page.
  signInWithRedirect: () => {
    signInWithRedirect().catch((e) => window.moatAuthEvents.push({ event: 'signInWithRedirect threw', message: e.message }));
    return true;
  },
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
