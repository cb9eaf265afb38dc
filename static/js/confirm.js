/*
 * Asks before a step that cannot be undone: a <form data-confirm="question"> asks before it
 * is sent, a <button data-confirm="question"> before it sends its form. Cancelling sends
 * nothing. Plain JavaScript, no build step; the question is the server's (translated) text.
 *
 * Without this file the step happens without the question. When the script has taken over
 * an element it sets data-enhanced="true" on it, so that tests wait for that, never for time.
 */
(function () {
  "use strict";

  function enhance() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
      form.dataset.enhanced = "true";
    });
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
      button.dataset.enhanced = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
