// moat's runtime client for Node.js: the Lambda Runtime API loop, as AWS's
// custom-runtime guide describes it. It loads _HANDLER from
// LAMBDA_TASK_ROOT (module before the first dot, property path after it),
// then takes events from /next and posts each answer or error.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const url = require('url');

const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const base = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, path: base + p, method, agent, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorBody(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n') };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function post(p, body, errorType) {
  const headers = { 'Content-Type': 'application/json' };
  if (errorType) headers['Lambda-Runtime-Function-Error-Type'] = errorType;
  return call('POST', p, JSON.stringify(body), headers);
}

class RuntimeError extends Error {
  constructor(name, message) { super(message); this.name = name; }
}

async function loadHandler() {
  const handler = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT;
  if (handler.includes('..')) throw new RuntimeError('Runtime.MalformedHandlerName', "'" + handler + "' is not a valid handler name. Use absolute paths when specifying root directories in handler names.");
  const dir = path.dirname(handler);
  const baseName = path.basename(handler);
  const dot = baseName.indexOf('.');
  if (dot < 1) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler ' + handler);
  const moduleName = baseName.slice(0, dot);
  const props = baseName.slice(dot + 1).split('.');
  const stem = path.resolve(root, dir, moduleName);
  let mod;
  const found = ['', '.js', '.mjs', '.cjs'].map((ext) => stem + ext).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  try {
    if (found === undefined) {
      throw new RuntimeError('Runtime.ImportModuleError', "Error: Cannot find module '" + moduleName + "'");
    }
    if (found.endsWith('.mjs') || (found.endsWith('.js') && isModule(path.dirname(found)))) {
      mod = await import(url.pathToFileURL(found).href);
    } else {
      mod = require(found);
    }
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    if (err instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(err));
    throw new RuntimeError('Runtime.ImportModuleError', String(err));
  }
  let fn = mod;
  for (const p of props) fn = fn == null ? undefined : fn[p];
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', handler + ' is undefined or not exported');
  return fn;
}

// isModule says whether the nearest package.json makes .js files ES modules.
function isModule(dir) {
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try { return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module'; } catch (e) { return false; }
    }
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

function context(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const ctx = {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  if (headers['lambda-runtime-client-context']) ctx.clientContext = JSON.parse(headers['lambda-runtime-client-context']);
  if (headers['lambda-runtime-cognito-identity']) ctx.identity = JSON.parse(headers['lambda-runtime-cognito-identity']);
  return ctx;
}

// invoke calls the handler: its promise decides, or else its callback.
function invoke(fn, event, ctx) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    ctx.succeed = (r) => done(null, r);
    ctx.fail = (e) => done(e === undefined || e === null ? new Error('handled') : e);
    ctx.done = done;
    try {
      const out = fn(event, ctx, done);
      if (out && typeof out.then === 'function') out.then((r) => done(null, r), (e) => done(e === undefined || e === null ? new Error(String(e)) : e));
    } catch (err) {
      done(err);
    }
  });
}

let current = null; // the request id being served, for crashes

async function main() {
  let fn;
  try {
    fn = await loadHandler();
  } catch (err) {
    console.error(JSON.stringify(errorBody(err)));
    await post('/init/error', errorBody(err), err.name);
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    if (next.status !== 200) process.exit(1);
    const id = next.headers['lambda-runtime-aws-request-id'];
    current = id;
    if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    let answer;
    try {
      const result = await invoke(fn, JSON.parse(next.body), context(next.headers));
      answer = post('/invocation/' + id + '/response', result === undefined ? null : result);
    } catch (err) {
      console.error('ERROR\t' + (err && err.stack ? err.stack : String(err)));
      answer = post('/invocation/' + id + '/error', errorBody(err), 'Function.Unhandled');
    }
    await answer;
    current = null;
  }
}

process.on('uncaughtException', (err) => crash(err, 129));
process.on('unhandledRejection', (err) => crash(err, 128));

function crash(err, code) {
  console.error('ERROR\tUncaught Exception\t' + JSON.stringify(errorBody(err)));
  const p = current ? post('/invocation/' + current + '/error', errorBody(err), 'Runtime.NodeJsExit') : Promise.resolve();
  p.finally(() => process.exit(code));
}

main();
