// The offline page: lists what waits in the phone's queue (the signed-in user's: logging
// out empties it), and goes back to the start page when the connection returns.
import { itemsOf, loadSession } from "./queue.js";
import { renderQueue } from "./queue-view.js";

async function start() {
  const page = document.querySelector("[data-offline-page]");
  const session = await loadSession().catch(() => null);
  if (session) {
    const items = await itemsOf(session.userKey);
    renderQueue(page.querySelector("[data-testid=queue]"), items.filter((item) => item.status !== "sent"));
  }
  window.addEventListener("online", () => window.location.reload());
  page.dataset.enhanced = "true";
}

start();
