// Calls moat gateway routes signed with SigV4 by aws4 (mhart/aws4), as a
// browser or Node app holding identity-pool credentials would.
//
// Environment: MOAT_REGION, and MOAT_CALLS, a JSON list of
// {url, method, body, accessKeyId, secretAccessKey, sessionToken, presign}
// ("" for no body or no session token; presign uses aws4's signQuery).
// Prints a JSON list with one {status, errorType (x-amzn-ErrorType), body}
// per call, in order.
import aws4 from 'aws4';

async function call(region, c) {
  const url = new URL(c.url);
  const body = c.body || undefined;
  const request = {
    host: url.host,
    path: url.pathname + url.search,
    method: c.method,
    service: 'execute-api',
    region,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body,
    signQuery: c.presign,
  };
  aws4.sign(request, {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken || undefined,
  });
  const headers = { ...request.headers };
  delete headers.Host; // fetch sets it from the URL
  const response = await fetch(`${url.protocol}//${url.host}${request.path}`, { method: request.method, headers, body });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-ErrorType') || '',
    body: await response.text(),
  };
}

const answers = [];
for (const c of JSON.parse(process.env.MOAT_CALLS)) {
  answers.push(await call(process.env.MOAT_REGION, c));
}
console.log(JSON.stringify(answers));
