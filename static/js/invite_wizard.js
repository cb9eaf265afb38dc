/*
 * "Bjud in klientanvändare": typing a name and an e-mail marks the row and suggests a
 * username; the count of marked rows follows live. Plain JavaScript, no build step.
 *
 * The page works without this file (the server marks filled rows and suggests usernames);
 * the server also has the last word on every username, since only it knows which are taken.
 *
 * The script may arrive after the person has started typing (it is deferred, and a slow
 * phone or a cold browser is slow): when it starts, it treats what was typed meanwhile as
 * if it had been typed now, then sets data-enhanced on each form it took over, so that
 * tests (and anything else) can wait for that instead of for time.
 */
(function () {
  "use strict";

  // Letters that Unicode decomposition does not reduce to a-z. The server uses anyascii;
  // this covers the Nordic and European names the portal meets, so the suggestion shown
  // while typing is the one the server keeps unless the name is taken.
  var LETTERS = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ß": "ss", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ŋ": "ng", "ħ": "h", "ŧ": "t", "ĸ": "q", "ſ": "s"
  };

  function usernameBase(name) {
    var ascii = name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\x00-\x7f]/g, function (letter) { return LETTERS[letter] || " "; });
    var base = ascii.replace(/[^a-z0-9]+/g, ".").replace(/^\.+|\.+$/g, "");
    return base.slice(0, 146).replace(/\.+$/, "");
  }

  function wizardForm() {
    var form = document.getElementById("wizard-form");
    if (!form) return;
    var marking = document.getElementById("marking");
    if (marking) marking.value = "manual";  // the boxes below now say what is marked

    var max = parseInt(form.dataset.maxRows, 10) || 50;
    var elsewhere = parseInt(form.dataset.markedElsewhere, 10) || 0;
    var counter = document.getElementById("marked-counter");
    var countText = counter && counter.querySelector("[data-marked-count]");
    var overText = counter && counter.querySelector("[data-over-limit]");

    function updateCount() {
      var marked = form.querySelectorAll("[data-mark]:checked").length + elsewhere;
      if (countText) countText.textContent = String(marked);
      if (counter) {
        counter.classList.toggle("over", marked > max);
        counter.classList.toggle("full", marked === max);
      }
      if (overText) overText.hidden = marked <= max;
    }

    function field(row, name) {
      return row.querySelector('[data-field="' + name + '"]');
    }

    // Unique among the rows of the page, numbered as the server numbers (asa.oberg,
    // asa.oberg2): a second Åsa Öberg on the page is shown the username she will get,
    // unless an existing user or a row on another page has it (the review then says so).
    function usedElsewhere(row, candidate) {
      return Array.prototype.some.call(form.querySelectorAll("[data-row]"), function (other) {
        var input = other !== row && field(other, "username");
        return !!input && input.value.trim().toLowerCase() === candidate;
      });
    }

    function suggestUsername(row) {
      var username = field(row, "username");
      var auto = row.querySelector("[data-username-auto]");
      var name = field(row, "full_name");
      if (!username || !auto || !name || auto.value !== "1") return;
      if (!name.value.trim()) {
        username.value = "";
        return;
      }
      var base = usernameBase(name.value) || "anvandare";
      var candidate = base;
      for (var number = 2; usedElsewhere(row, candidate); number++) candidate = base + number;
      username.value = candidate;
    }

    function markFromTyping(row) {
      var box = row.querySelector("[data-mark]");
      var name = field(row, "full_name");
      var email = field(row, "email");
      if (!box || !name || !email) return;
      var filled = name.value.trim() && email.value.trim();
      var empty = !name.value.trim() && !email.value.trim();
      // Typing marks the row once, until the person unticks it by hand.
      if (filled && !box.checked && row.dataset.untickedByHand !== "1") box.checked = true;
      if (empty && box.checked && row.dataset.untickedByHand !== "1") box.checked = false;
      showMarked(row);
    }

    function showMarked(row) {
      var box = row.querySelector("[data-mark]");
      row.classList.toggle("marked", !!(box && box.checked));
      updateCount();
    }

    form.addEventListener("input", function (event) {
      var row = event.target.closest("[data-row]");
      if (!row || event.target.readOnly) return;
      var name = event.target.dataset.field;
      if (name === "username") {
        var auto = row.querySelector("[data-username-auto]");
        if (auto) auto.value = event.target.value.trim() ? "" : "1";
      }
      if (name === "full_name") suggestUsername(row);
      if (name === "full_name" || name === "email") markFromTyping(row);
    });

    // Enter in a row would press the first button and reload the page: stay instead.
    // Enter in the search field searches.
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      if (event.target.closest("[data-row]")) event.preventDefault();
      if (event.target.type === "search") {
        event.preventDefault();
        var search = form.querySelector('button[name="action"][value="search"]');
        if (search) search.click();
      }
    });

    // What is typed is kept by the form's own buttons; a link away would lose it.
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    form.addEventListener("change", function (event) {
      if (!event.target.matches("[data-mark]")) return;
      var row = event.target.closest("[data-row]");
      if (!row) return;
      row.dataset.untickedByHand = event.target.checked ? "0" : "1";
      showMarked(row);
    });

    // What happened before this script ran: the server rendered each field's default value
    // and each box's default state, so anything else was done by the person meanwhile.
    function changedBeforeStart(element) {
      if (!element) return false;
      if (element.type === "checkbox") return element.checked !== element.defaultChecked;
      return element.value !== element.defaultValue;
    }
    form.querySelectorAll("[data-row]").forEach(function (row) {
      var box = row.querySelector("[data-mark]");
      var username = field(row, "username");
      var auto = row.querySelector("[data-username-auto]");
      if (changedBeforeStart(box)) row.dataset.untickedByHand = box.checked ? "0" : "1";
      if (changedBeforeStart(username) && auto) auto.value = username.value.trim() ? "" : "1";
      if (changedBeforeStart(field(row, "full_name"))) suggestUsername(row);
      if (changedBeforeStart(field(row, "full_name")) || changedBeforeStart(field(row, "email"))) {
        markFromTyping(row);
      }
      showMarked(row);
      if (Array.prototype.some.call(row.querySelectorAll("input, select"), changedBeforeStart)) {
        dirty = true;
      }
    });

    // A file over the limit is named at once, next to the field, before a long upload.
    var file = form.querySelector("input[type=file][data-max-bytes]");
    if (file) {
      file.addEventListener("change", function () {
        var max = parseInt(file.dataset.maxBytes, 10);
        var error = document.getElementById("file-size-error");
        var tooBig = file.files.length > 0 && max > 0 && file.files[0].size > max;
        if (error) error.hidden = !tooBig;
        file.setAttribute("aria-invalid", tooBig ? "true" : "false");
        if (tooBig) file.value = "";
      });
    }

    updateCount();
    form.dataset.enhanced = "true";
  }

  function submitOnce() {
    // A second click would find the same batch anyway (the submission is idempotent);
    // this only spares the wait.
    var forms = document.querySelectorAll("form[data-submit-once]");
    // The review may be the answer to step 2's post: a reload should show it again (a GET
    // of its own address) instead of asking to post step 2 once more.
    if (forms.length && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.href);
    }
    forms.forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) {
          setTimeout(function () { button.disabled = true; }, 0);
          button.setAttribute("aria-busy", "true");
        }
      });
      form.dataset.enhanced = "true";
    });
  }

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  wizardForm();
  submitOnce();
  focusErrors();
})();
