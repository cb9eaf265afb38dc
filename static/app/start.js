// The client's start page as an app (issue 10): photos and files are gathered with
// thumbnails, go into the phone's queue and are sent from there, now or when the connection
// returns (Background Sync where the browser has it, else the online event or the next
// opening). Without this script the form posts as a plain form. Sets data-enhanced on the
// form when ready, so tests wait for that.
import { Picker } from "./camera.js";
import { offerInstall } from "./install.js";
import { enhancePasskeys } from "./passkeys.js";
import { clearOnLogout } from "./privacy.js";
import { enqueueFiles, itemsOf, saveSession, sendWaiting, tidyFor } from "./queue.js";
import { renderQueue } from "./queue-view.js";

const form = document.getElementById("send-form");

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register(form.dataset.serviceWorker, {
      scope: form.dataset.scope,
      type: "module",
    });
  } catch (error) {
    return null; // the page works without it: sending falls back to the online event
  }
}

async function askForSync() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration(form.dataset.scope);
  if (registration && registration.sync) {
    try {
      await registration.sync.register("send-underlag");
    } catch (error) {
      // No permission for Background Sync: the online event and the next opening remain.
    }
  }
}

async function start() {
  const list = document.querySelector("[data-testid=queue]");
  const errorBox = form.querySelector("[data-form-error]");
  const clientField = form.querySelector("[name=client]");
  const session = {
    userKey: form.dataset.userKey,
    clientId: clientField.value,
    sendUrl: form.dataset.sendUrl,
    csrfToken: form.querySelector("[name=csrfmiddlewaretoken]").value,
  };
  const show = async () => renderQueue(list, await itemsOf(session.userKey));
  const send = async () => {
    if (!navigator.onLine) return show();
    await sendWaiting({ userKey: session.userKey, onChange: show });
    return show();
  };

  const picker = new Picker(form, form.querySelector("[data-chosen-files]"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const files = picker.take();
    if (files.length === 0) {
      errorBox.textContent = form.dataset.textNoneChosen;
      errorBox.hidden = false;
      return;
    }
    const comment = form.querySelector("[name=comment]");
    await enqueueFiles(files, { ...session, clientId: clientField.value }, comment.value);
    comment.value = "";
    await show();
    await askForSync();
    await send();
  });

  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "queue-changed") show();
    });
  }
  offerInstall(document.querySelector(".app-card"));
  enhancePasskeys(document);
  clearOnLogout(document.querySelector("form[action$='/logga-ut/']"));

  await saveSession(session);
  await tidyFor(session);
  await show();
  const worker = await registerWorker();
  form.dataset.enhanced = "true";
  if (worker) {
    // Tests (and nothing else) wait for this before reloading into a controlled page.
    navigator.serviceWorker.ready.then(() => {
      form.dataset.worker = "ready";
    });
  }
  await send();
}

if (form && "indexedDB" in window && window.fetch && window.FormData) {
  start();
}
