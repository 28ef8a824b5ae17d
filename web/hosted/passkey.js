// moat's hosted passkey pages: a form marked data-passkey="get" (sign in)
// or "create" (add a passkey) carries the sign-in engine's WebAuthn
// options in data-options. On submit this module hands them to the
// browser's passkey prompt (navigator.credentials) and posts the answer,
// as JSON, in the form's credential field. No library, nothing from
// another origin.

const fromB64url = (text) => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};

const toB64url = (buffer) => {
  let text = '';
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const withIDs = (list) => (list ?? []).map((c) => ({ ...c, id: fromB64url(c.id) }));

// publicKeyOptions turns the engine's JSON options into what the browser takes.
function publicKeyOptions(kind, json) {
  const o = JSON.parse(json);
  const options = { ...o, challenge: fromB64url(o.challenge) };
  if (kind === 'create') {
    options.user = { ...o.user, id: fromB64url(o.user.id) };
    options.excludeCredentials = withIDs(o.excludeCredentials);
  } else {
    options.allowCredentials = withIDs(o.allowCredentials);
  }
  return options;
}

// credentialJSON is the browser's answer as the engine reads it
// (RegistrationResponseJSON / AuthenticationResponseJSON).
function credentialJSON(cred) {
  if (typeof cred.toJSON === 'function') return cred.toJSON();
  const r = cred.response;
  const response = { clientDataJSON: toB64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toB64url(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
  } else {
    response.authenticatorData = toB64url(r.authenticatorData);
    response.signature = toB64url(r.signature);
    if (r.userHandle) response.userHandle = toB64url(r.userHandle);
  }
  return { id: cred.id, rawId: toB64url(cred.rawId), type: cred.type, response,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    clientExtensionResults: cred.getClientExtensionResults() };
}

const explain = (kind, err) => {
  if (err?.name === 'NotAllowedError') {
    return kind === 'create'
      ? 'The passkey was not added: the prompt was closed or timed out. Try again, or choose "Not now".'
      : 'No passkey was used: the prompt was closed, timed out, or this device has no passkey for the account. Try again, or sign in another way.';
  }
  if (err?.name === 'InvalidStateError') return 'This device already has a passkey for this account.';
  return `Your browser could not use a passkey (${err?.name ?? 'error'}). Try again, or ${kind === 'create' ? 'choose "Not now"' : 'sign in another way'}.`;
};

for (const form of document.querySelectorAll('form[data-passkey]')) {
  const kind = form.dataset.passkey;
  const alert = form.querySelector('[data-passkey-error]');
  form.addEventListener('submit', async (event) => {
    if (form.elements.credential.value) return; // the answer is in: post it
    event.preventDefault();
    alert.hidden = true;
    if (!window.PublicKeyCredential) {
      alert.textContent = 'This browser does not support passkeys.';
      alert.hidden = false;
      return;
    }
    try {
      const publicKey = publicKeyOptions(kind, form.dataset.options);
      const cred = kind === 'create'
        ? await navigator.credentials.create({ publicKey })
        : await navigator.credentials.get({ publicKey });
      form.elements.credential.value = JSON.stringify(credentialJSON(cred));
      form.requestSubmit();
    } catch (err) {
      alert.textContent = explain(kind, err);
      alert.hidden = false;
      alert.focus?.();
    }
  });
}
