// Names for what the admin leaves nameless (axe: label, aria-input-field-name): the fields of a
// table of rows (a tabular inline labels its columns, not its inputs) take their column's
// heading and row number; Select2 (the autocomplete) names its box after the item chosen, so
// an empty one takes its field's name.
(function () {
  function fieldName(select) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label && label.textContent.trim()) return label.textContent.trim();
    const cell = select.closest("td");
    const table = select.closest("table");
    if (cell && table) {
      const heading = table.querySelectorAll("thead th")[cell.cellIndex];
      if (heading && heading.textContent.trim()) return heading.textContent.trim();
    }
    return select.name;
  }

  function nameRowFields() {
    for (const table of document.querySelectorAll(".tabular table")) {
      const headings = table.querySelectorAll("thead th");
      for (const row of table.querySelectorAll("tbody tr.form-row")) {
        const number = row.id.match(/-(\d+)$/);
        for (const field of row.querySelectorAll("td input:not([type=hidden]), td select, td textarea")) {
          if (field.labels.length || field.getAttribute("aria-label")) continue;
          const heading = headings[field.closest("td").cellIndex];
          const column = heading ? heading.textContent.trim() : field.name;
          field.setAttribute("aria-label", number ? `${column}, row ${Number(number[1]) + 1}` : column);
        }
      }
    }
  }

  function nameBoxes() {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const container = select.nextElementSibling;
      if (!container) continue;
      const name = fieldName(select);
      for (const box of container.querySelectorAll(".select2-selection, .select2-selection__rendered")) {
        box.setAttribute("aria-label", name);
      }
    }
  }

  // Select2 draws its boxes when jQuery is ready, and again for each row added: name them as
  // soon as they appear.
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      nameRowFields();
      nameBoxes();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  nameRowFields();
  nameBoxes();
})();
