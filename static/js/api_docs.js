// Swagger UI draws a parameter's allowed values as a <select> with no label: name each one
// after its parameter, as Swagger UI renders them (operations open and close at any time).
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name"));
    });
  }
  var root = document.getElementById("swagger-ui");
  if (!root) return;
  new MutationObserver(function () { label(root); }).observe(root, { childList: true, subtree: true });
})();
