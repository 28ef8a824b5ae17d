// The function page's live log: server-sent events from the console, one
// line a function's worker wrote each, oldest first, the last 500 kept.
const log = document.getElementById('fn-log');
const state = document.getElementById('fn-log-state');
const keep = 500;

const source = new EventSource(log.dataset.source);
source.onopen = () => { state.textContent = 'Watching: lines appear as the function writes them.'; };
source.onerror = () => { state.textContent = 'Disconnected; reconnecting…'; };
source.addEventListener('line', (event) => {
  const line = JSON.parse(event.data);
  log.querySelector('.waiting')?.remove();
  const entry = document.createElement('div');
  entry.className = 'log-line';
  entry.textContent = `${new Date(line.time).toLocaleTimeString()}  ${line.requestId || '-'}  ${line.text}`;
  log.append(entry);
  while (log.childElementCount > keep) log.firstElementChild.remove();
});
