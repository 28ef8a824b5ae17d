// The policy editor: as the document, action or resource change, ask the
// console (moat's own policy engine) whether the document is valid and
// what it decides for the request. The form works without this script.
const form = document.getElementById('policy-form');
if (form) {
  const verdict = document.getElementById('policy-verdict');
  const decision = document.getElementById('sim-decision');
  const csrf = form.querySelector('input[name=_csrf]').value;
  let timer;
  let asked = 0;
  const check = async () => {
    const mine = ++asked;
    const sent = new FormData(form);
    const res = await fetch('/console/policy/check', {
      method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: new URLSearchParams(sent),
    });
    if (mine !== asked || !res.ok) return;
    const out = await res.json();
    verdict.textContent = out.valid ? 'The policy is valid.' : out.problem;
    verdict.className = `verdict ${out.valid ? 'ok' : 'bad'}`;
    decision.textContent = out.decision ?? '';
    decision.dataset.for = sent.get('resource'); // which request the answer is for
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
}
