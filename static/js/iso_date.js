/* Date boxes (YYYY-MM-DD, as text): checked on leaving the field, so a mistyped date is seen
   at once rather than at save. Eight digits typed without dashes are spelled out. The server
   checks again; without this script nothing changes but the moment the error is seen. */
"use strict";

(function () {
  const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

  function real(text) {
    const match = ISO.exec(text);
    if (!match) return false;
    const [year, month, day] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1
      && date.getUTCDate() === day;
  }

  function message(input) {
    const id = `${input.id}_check`;
    let element = document.getElementById(id);
    if (!element) {
      element = document.createElement("small");
      element.id = id;
      element.className = "date-check";
      element.setAttribute("role", "alert");
      input.after(element);
    }
    return element;
  }

  function check(input) {
    let text = input.value.trim();
    if (/^\d{8}$/.test(text)) text = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;
    if (text !== input.value) input.value = text;
    const ok = text === "" || real(text);
    const element = message(input);
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(
      (id) => id && id !== element.id,
    );
    if (ok) {
      element.textContent = "";
      element.hidden = true;
      if (input.dataset.checked) input.removeAttribute("aria-invalid");
    } else {
      element.textContent = input.dataset.invalid.replace("%(value)s", text);
      element.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.dataset.checked = "1";
      described.push(element.id);
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  document.addEventListener("focusout", (event) => {
    if (!event.target.matches || !event.target.matches("input[data-iso-date]")) return;
    // Leaving for a submit button: the server answers about the date, and a message shown
    // now would move the button from under the pointer between press and release.
    const next = event.relatedTarget;
    if (next && next.matches("button[type=submit], button:not([type])")) return;
    check(event.target);
  });
})();
