// "Installera appen": the browser's own install prompt where it offers one (Chromium,
// Android); on an iPhone the instructions stay open, since Safari has no prompt.
export function offerInstall(root) {
  const button = root.querySelector("[data-install]");
  const installed = root.querySelector("[data-installed]");
  const iphone = root.querySelector("[data-iphone-install]");
  const standalone =
    window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  if (standalone) {
    installed.hidden = false;
    if (iphone) iphone.hidden = true;
    return;
  }
  if (iphone && /iPhone|iPad|iPod/.test(navigator.userAgent)) iphone.open = true;
  let prompt = null;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    prompt = event;
    button.hidden = false;
  });
  button.addEventListener("click", async () => {
    if (!prompt) return;
    prompt.prompt();
    await prompt.userChoice;
    prompt = null;
    button.hidden = true;
  });
  window.addEventListener("appinstalled", () => {
    button.hidden = true;
    installed.hidden = false;
  });
}
