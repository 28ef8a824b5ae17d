// A custom sender as docs/triggers.md shows it: it opens the code with the
// key moat gives its workers and, instead of mailing it, writes the event
// and the code to $OUT_DIR/<triggerSource>-<userName>.json for the test.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const key = Buffer.from(process.env.MOAT_CUSTOM_SENDER_KEY, 'base64');

function decryptCode(code) {
  const data = Buffer.from(code, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8');
}

exports.handler = async (event) => {
  const code = decryptCode(event.request.code);
  const file = path.join(process.env.OUT_DIR, `${event.triggerSource}-${event.userName}.json`);
  fs.writeFileSync(file + '.tmp', JSON.stringify({ event, code }));
  fs.renameSync(file + '.tmp', file);
};
