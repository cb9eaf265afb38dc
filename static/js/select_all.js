/*
 * "Markera alla på sidan": a checkbox [data-select-all] inside a form ticks or clears every
 * other checkbox named like its data-select-all value ("invitation" on "Inbjudningar").
 * Plain JavaScript, no build step. Without it the boxes are ticked one at a time.
 * Sets data-enhanced="true" on the form once ready, so that tests wait for that.
 */
(function () {
  "use strict";

  function enhance() {
    document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (all) {
      var form = all.form;
      if (!form) return;
      var name = all.dataset.selectAll || "invitation";
      var boxes = Array.from(form.querySelectorAll("input[type=checkbox]")).filter(function (box) {
        return box.name === name;
      });
      all.disabled = boxes.length === 0;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
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
