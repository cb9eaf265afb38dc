/*
 * A <select data-auto-submit> sends its form as soon as another option is chosen: the
 * header's language menu and the filters of "Inbjudningar". Plain JavaScript, no build step.
 *
 * Without this file the form has its own button (in <noscript>). When the script has taken
 * over a form it sets data-enhanced="true" on it, so that tests wait for that, never for time.
 */
(function () {
  "use strict";

  function enhance() {
    document.querySelectorAll("select[data-auto-submit]").forEach(function (select) {
      var form = select.form;
      if (!form) return;
      select.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
      form.dataset.enhanced = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
