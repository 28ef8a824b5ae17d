// A minimal AWS Signature Version 4 signer for the browser (WebCrypto), so
// the dApp can call IAM-authorized routes with identity-pool credentials
// without a bundler. It signs like the AWS SDKs for execute-api: host,
// x-amz-date and x-amz-security-token signed, payload hash of the body.

const encoder = new TextEncoder();

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(data) {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? encoder.encode(key) : key,
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(data));
}

// RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone).
function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalPath(pathname) {
  // Services other than S3 sign the path's segments encoded twice.
  return pathname.split('/').map((seg) => uriEncode(uriEncode(decodeURIComponent(seg)))).join('/') || '/';
}

function canonicalQuery(searchParams) {
  return [...searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

// signRequest returns the headers to send with a request to url.
export async function signRequest({ method, url, body = '', credentials, region, service = 'execute-api', now = new Date() }) {
  const u = new URL(url);
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers = { host: u.host, 'x-amz-date': amzDate, 'x-amz-security-token': credentials.SessionToken };
  const signedHeaders = Object.keys(headers).sort();
  const payloadHash = await sha256(body);
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalPath(u.pathname),
    canonicalQuery(u.searchParams),
    signedHeaders.map((h) => `${h}:${String(headers[h]).trim()}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonicalRequest)].join('\n');
  let key = await hmac('AWS4' + credentials.SecretKey, day);
  key = await hmac(key, region);
  key = await hmac(key, service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, stringToSign));
  return {
    'X-Amz-Date': amzDate,
    'X-Amz-Security-Token': credentials.SessionToken,
    'X-Amz-Content-Sha256': payloadHash,
    Authorization: `AWS4-HMAC-SHA256 Credential=${credentials.AccessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}
