// The API page's live request tail: server-sent events from the console,
// one finished request each, newest first, at most 200 rows kept.
const table = document.getElementById('tail');
const state = document.getElementById('tail-state');
const body = table.tBodies[0];
const keep = 200;

const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent);
const cell = (text, className) => {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
};

const source = new EventSource(table.dataset.source);
source.onopen = () => { state.textContent = 'Watching: new requests appear at the top.'; };
source.onerror = () => { state.textContent = 'Disconnected; reconnecting…'; };
source.addEventListener('request', (event) => {
  const rec = JSON.parse(event.data);
  body.querySelector('tr.waiting')?.remove();
  const row = document.createElement('tr');
  row.dataset.status = rec.status;
  row.append(
    cell(new Date(rec.time).toLocaleTimeString()),
    cell(`${rec.method} ${rec.path}`, 'wrap'),
    cell(String(rec.status), rec.status >= 400 ? 'bad' : ''),
    cell(`${rec.latencyMs.toFixed(1)} ms`),
    cell(rec.principal || '—', 'wrap'),
    cell(rec.errorType ? `${rec.errorType}: ${rec.reason}` : '', 'wrap refusal'),
  );
  [...row.cells].forEach((td, i) => { td.dataset.label = labels[i]; });
  body.prepend(row);
  while (body.rows.length > keep) body.deleteRow(-1);
});
