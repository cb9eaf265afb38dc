// Passkeys (issue 10): adding one on the start page or "Passnycklar", signing in with one on
// the login page. The server makes the options and checks the answers (py_webauthn); this
// only carries them between it and the browser's WebAuthn API.
function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  let text = "";
  new Uint8Array(buffer).forEach((byte) => {
    text += String.fromCharCode(byte);
  });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function asJSON(credential) {
  if (credential.toJSON) return credential.toJSON();
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
  }
  return json;
}

async function post(url, token, body = {}) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, answer };
}

function supported() {
  return window.PublicKeyCredential && navigator.credentials && window.isSecureContext;
}

function say(box, message) {
  box.textContent = message || "";
  box.hidden = !message;
}

function enhanceAdding(section) {
  const token = section.querySelector("[name=csrfmiddlewaretoken]").value;
  const adder = section.querySelector("[data-passkey-add]");
  const error = section.querySelector("[data-passkey-error]");
  section.querySelector("[data-passkey-unsupported]").hidden = true;
  adder.hidden = false;
  section.querySelector("[data-passkey-create]").addEventListener("click", async () => {
    say(error, "");
    const options = await post(section.dataset.optionsUrl, token);
    if (!options.ok) return say(error, options.answer.error);
    let credential;
    try {
      credential = await navigator.credentials.create({ publicKey: creationOptions(options.answer) });
    } catch (failure) {
      return say(error, failure.message);
    }
    const name = section.querySelector("#passkey-name").value;
    const result = await post(section.dataset.registerUrl, token, { credential: asJSON(credential), name });
    if (!result.ok) return say(error, result.answer.error);
    window.location.reload();
  });
  section.dataset.enhanced = "true";
}

function enhanceSignIn(box) {
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const error = box.querySelector("[data-passkey-error]");
  box.hidden = false;
  box.querySelector("[data-passkey-sign-in]").addEventListener("click", async () => {
    say(error, "");
    const options = await post(box.dataset.optionsUrl, token);
    if (!options.ok) return say(error, options.answer.error);
    let credential;
    try {
      credential = await navigator.credentials.get({ publicKey: requestOptions(options.answer) });
    } catch (failure) {
      return say(error, failure.message);
    }
    const result = await post(box.dataset.signInUrl, token, {
      credential: asJSON(credential),
      next: box.dataset.next,
    });
    if (!result.ok) return say(error, result.answer.error);
    window.location.assign(result.answer.next);
  });
  box.dataset.enhanced = "true";
}

export function enhancePasskeys(root) {
  if (!supported()) return;
  root.querySelectorAll("[data-passkeys]").forEach(enhanceAdding);
  root.querySelectorAll("[data-passkey-login]").forEach(enhanceSignIn);
}

// Loaded on its own (login page, "Passnycklar"), it enhances at once; start.js calls it too.
if (!document.getElementById("send-form")) enhancePasskeys(document);
