/* Batch entry of remains: add and remove rows without a reload, move down a column with
   Enter, count rows against the announced count, and suggest persons by name. The page works without this script: rows then come from
   "Make rows from the count", are removed with their "Remove" box, and a person is typed as a
   name or a number. */
"use strict";

(function () {
  const table = document.getElementById("remains-table");
  if (!table) return;
  const prefix = table.dataset.prefix;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById("remains-row-template");
  const addButton = document.getElementById("add-row");
  const numbered = new RegExp(`${prefix}-(\\d+|__prefix__)-`, "g");
  const renamed = ["name", "id", "for", "aria-describedby"];

  const rows = () => Array.from(table.tBodies);

  function enhance(row) {
    row.querySelector(".remove-checkbox").hidden = true;
    row.querySelector(".remove-row").hidden = false;
  }

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((element) => {
        for (const attribute of renamed) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(numbered, `${prefix}-${index}-`));
        }
      });
      row.querySelectorAll(".row-n").forEach((span) => { span.textContent = index + 1; });
    });
    total.value = rows().length;
  }

  function addRow() {
    table.append(template.content.cloneNode(true));
    const row = table.tBodies[table.tBodies.length - 1];
    enhance(row);
    renumber();
    return row;
  }

  addButton.hidden = false;
  rows().forEach(enhance);

  // "Fill down": the first date typed in the "identified on" column goes into every row below
  // that has none (a batch identified on one day is typed once).
  const fillDown = document.getElementById("fill-down-date");
  fillDown.hidden = false;
  fillDown.addEventListener("click", () => {
    const dates = rows().map((row) => row.querySelector("input[name$='-identified_on']"));
    const first = dates.find((input) => input && input.value.trim());
    if (!first) return;
    dates.slice(dates.indexOf(first) + 1).forEach((input) => {
      if (input && !input.value.trim()) {
        input.value = first.value.trim();
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  });
  addButton.addEventListener("click", () => addRow().querySelector("input, select").focus());

  table.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-row");
    if (!button) return;
    const row = button.closest("tbody");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    (next && next.querySelector(".remove-row") || addButton).focus();
  });

  // Enter moves to the same field of the next row, as in a spreadsheet, instead of submitting
  // a half-entered batch; in the last row it moves to Save: a row is added only on purpose
  // (a stray Enter once saved a batch announced as 3 with 4 bodies).
  table.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.matches("input:not([type=checkbox]), select")) return;
    event.preventDefault();
    const row = event.target.closest("tbody");
    const column = Array.from(row.querySelectorAll("input, select")).indexOf(event.target);
    const next = row.nextElementSibling;
    if (next) next.querySelectorAll("input, select")[column].focus();
    else saveButton.focus();
  });

  // The footer counts rows against the announced count as they are entered; saving a batch
  // whose rows differ from the count takes a second, deliberate press of Save.
  const form = table.closest("form");
  const saveButton = form.querySelector("button[name=save]");
  const counts = document.getElementById("batch-counts");
  const warning = document.getElementById("count-warning");
  const announcedField = document.getElementById(table.dataset.countField);
  let acknowledged = null;

  function tally() {
    const live = rows();
    const value = (row, name) => {
      const field = row.querySelector(`[name$="-${name}"]`);
      return field ? field.value : "";
    };
    const announced = announcedField && /^\d+$/.test(announcedField.value.trim())
      ? Number(announcedField.value) : null;
    return {
      rows: live.length,
      announced,
      identified: live.filter((row) => ["confirmed", "presumptive"].includes(value(row, "identification"))).length,
      partial: live.filter((row) => value(row, "condition") === "partial").length,
    };
  }

  function showCounts() {
    const now = tally();
    for (const [key, number] of Object.entries(now)) {
      counts.querySelector(`[data-count=${key}]`).textContent = number === null ? "—" : number;
    }
    const mismatch = now.announced !== null && now.rows !== now.announced;
    counts.classList.toggle("count-mismatch", mismatch);
    if (!mismatch || acknowledged !== `${now.rows}/${now.announced}`) {
      warning.hidden = true;
      acknowledged = null;
    }
    return { ...now, mismatch };
  }

  counts.hidden = false;
  showCounts();
  form.addEventListener("input", showCounts);
  form.addEventListener("change", showCounts);
  new MutationObserver(showCounts).observe(table, { childList: true });

  form.addEventListener("submit", (event) => {
    if (event.submitter !== saveButton) return;
    const now = showCounts();
    const key = `${now.rows}/${now.announced}`;
    if (!now.mismatch || acknowledged === key) return;
    event.preventDefault();
    acknowledged = key;
    warning.textContent = warning.dataset.message
      .replace("%(rows)s", now.rows).replace("%(announced)s", now.announced);
    warning.hidden = false;
    saveButton.focus();
  });

  // After "Make rows from the count" the first row is where typing goes on; after a refused
  // save, the list of what to correct.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  } else if (table.dataset.focusFirstRow !== undefined && table.tBodies.length) {
    table.tBodies[0].querySelector("input:not([type=hidden]), select").focus();
  }

  // Suggestions: persons of the receiving party whose name contains what was typed.
  const options = document.getElementById(template.content.querySelector("[list]").getAttribute("list"));
  const conflictField = document.getElementById(table.dataset.conflictField);
  const partyField = document.getElementById(table.dataset.partyField);
  let timer = null;

  async function suggest(text) {
    const query = new URLSearchParams({ q: text });
    if (conflictField && conflictField.value) query.set("conflict", conflictField.value);
    if (partyField && partyField.value) query.set("party", partyField.value);
    const response = await fetch(`${table.dataset.lookupUrl}?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const { results } = await response.json();
    options.replaceChildren(...results.map((person) => {
      const option = document.createElement("option");
      option.value = person.label;
      option.label = person.detail;
      return option;
    }));
  }

  table.addEventListener("input", (event) => {
    if (!options || !event.target.matches("[list]")) return;
    const text = event.target.value.trim();
    clearTimeout(timer);
    if (text.length < 2 || /\(#\d+\)$/.test(text)) return;
    timer = setTimeout(() => suggest(text), 200);
  });
})();
