// The moat dApp: sign in with a wallet (EIP-4361 through Cognito's
// CUSTOM_AUTH), then call the API two ways, as AWS's digital-wallet guidance
// does: with the ID token, and with identity-pool credentials and SigV4.
import { signRequest } from './sigv4.js';

const $ = (id) => document.getElementById(id);
const show = (id, value) => { $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); };

// awsCall speaks AWS JSON 1.1 to moat's identity listener, as an SDK would.
async function awsCall(config, target, body) {
  const res = await fetch(config.identityUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(body),
  });
  const out = await res.json();
  if (!res.ok) throw new Error(`${out.__type}: ${out.message}`);
  return out;
}

function claimsOf(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
}

function utf8Hex(text) {
  return '0x' + [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function signIn(config) {
  if (!window.ethereum) throw new Error('No wallet found: install MetaMask or another EIP-1193 wallet.');
  const [address] = await window.ethereum.request({ method: 'eth_requestAccounts' });
  show('address', address);
  const challenge = await awsCall(config, 'AWSCognitoIdentityProviderService.InitiateAuth', {
    AuthFlow: 'CUSTOM_AUTH', ClientId: config.clientId, AuthParameters: { USERNAME: address },
  });
  const message = challenge.ChallengeParameters.message;
  show('message', message);
  const signature = await window.ethereum.request({ method: 'personal_sign', params: [utf8Hex(message), address] });
  const done = await awsCall(config, 'AWSCognitoIdentityProviderService.RespondToAuthChallenge', {
    ClientId: config.clientId, ChallengeName: 'CUSTOM_CHALLENGE', Session: challenge.Session,
    ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USERNAME, ANSWER: signature },
  });
  return done.AuthenticationResult;
}

async function identityCredentials(config, idToken) {
  const login = { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: idToken };
  const { IdentityId } = await awsCall(config, 'AWSCognitoIdentityService.GetId', { IdentityPoolId: config.identityPoolId, Logins: login });
  const { Credentials } = await awsCall(config, 'AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId, Logins: login });
  return Credentials;
}

async function run() {
  const config = await (await fetch('config.json')).json();
  const url = (path) => new URL(path, location.href).href;
  $('status').textContent = 'signing in…';
  const tokens = await signIn(config);
  show('claims', claimsOf(tokens.IdToken));

  // (a) the ID token to a route with the user-pool authorizer; moat adds the
  // third-party provider's key on the way, the page never sees it.
  const nfts = await fetch(url(config.nftsUrl), { headers: { Authorization: tokens.IdToken } });
  show('nfts', `${nfts.status} ${await nfts.text()}`);

  // (b) identity-pool credentials signing with SigV4 to an AWS_IAM route.
  const credentials = await identityCredentials(config, tokens.IdToken);
  const collectionUrl = url(config.collectionUrl);
  const headers = await signRequest({ method: 'GET', url: collectionUrl, credentials, region: config.region });
  const collection = await fetch(collectionUrl, { headers });
  show('collection', `${collection.status} ${await collection.text()}`);
  $('status').textContent = nfts.ok && collection.ok ? 'signed in; both calls succeeded' : 'signed in; a call failed';
}

$('connect').addEventListener('click', () => run().catch((e) => { $('status').textContent = 'error: ' + e.message; }));
