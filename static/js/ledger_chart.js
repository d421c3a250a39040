// The ledger chart's legend with JavaScript: its links (which work without it, ?lines=)
// become toggle buttons (aria-pressed) that redraw the chart in place from chart.svg, the
// server drawing it as it would for the link, and keep the address in step for sharing.
(function () {
  "use strict";
  var figure = document.getElementById("timeline-figure");
  if (!figure || !figure.dataset.chartUrl || !window.fetch || !window.DOMParser) return;
  var buttons = [];

  figure.querySelectorAll("a.line-switch[data-line-key]").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "line-switch";
    button.dataset.lineKey = link.dataset.lineKey;
    button.setAttribute("aria-pressed", link.dataset.on);
    var state = link.querySelector(".line-state");
    if (state) state.remove(); // aria-pressed says it now
    while (link.firstChild) button.appendChild(link.firstChild);
    link.replaceWith(button);
    buttons.push(button);
  });

  function query() {
    var params = new URLSearchParams(window.location.search);
    params.delete("lines");
    var on = buttons.filter(function (b) { return b.getAttribute("aria-pressed") === "true"; });
    if (!on.length) params.append("lines", "none");
    on.forEach(function (b) { params.append("lines", b.dataset.lineKey); });
    return "?" + params.toString();
  }

  figure.addEventListener("click", function (event) {
    var button = event.target.closest("button.line-switch");
    if (!button) return;
    var pressed = button.getAttribute("aria-pressed") === "true";
    button.setAttribute("aria-pressed", String(!pressed));
    var search = query();
    figure.setAttribute("aria-busy", "true");
    fetch(figure.dataset.chartUrl + search, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (text) {
        var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        if (svg.nodeName !== "svg") throw new Error("not an SVG");
        figure.querySelector("svg.timeline-chart").replaceWith(document.importNode(svg, true));
        window.history.replaceState(null, "", search + window.location.hash);
        figure.removeAttribute("aria-busy");
      })
      .catch(function () {
        window.location.search = search; // the page as the link would have shown it
      });
  });
})();
