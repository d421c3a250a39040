/* Progress of a person import: polls the job's status URL and moves the <progress> bar;
   reloads the page once the job has finished, to show its findings. Without this script the
   page refreshes itself (<noscript> meta refresh). */
"use strict";

(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-label]");
  const counts = box.querySelector("[data-counts]");

  async function poll() {
    let status;
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      status = await response.json();
    } catch (error) {
      window.setTimeout(poll, 3000);
      return;
    }
    if (status.finished) {
      window.location.reload();
      return;
    }
    label.textContent = status.label;
    if (status.total > 0) {
      bar.max = status.total;
      bar.value = Math.min(status.processed, status.total);
      counts.textContent = `${status.processed.toLocaleString()} / ${status.total.toLocaleString()}`;
    }
    window.setTimeout(poll, 1000);
  }

  poll();
})();
