// Shared phones: logging out first empties this app's storage in the browser (the queue,
// the saved session, the service worker's caches). The server's Clear-Site-Data answer does
// the same again for browsers that honour it.
import { forgetEverything } from "./queue.js";

export async function forgetThisUser() {
  await forgetEverything();
  if (self.caches) {
    const names = await caches.keys();
    await Promise.all(names.map((name) => caches.delete(name)));
  }
}

export function clearOnLogout(form) {
  if (!form) return;
  form.addEventListener("submit", (event) => {
    if (form.dataset.cleared === "true") return;
    event.preventDefault();
    forgetThisUser().finally(() => {
      form.dataset.cleared = "true";
      form.submit();
    });
  });
}
