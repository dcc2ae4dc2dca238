// Portal submit form: show only the chosen category's questions. Without JavaScript every
// category's questions stay visible, each headed with its category, and the server checks
// only the chosen one's.
(function () {
  "use strict";
  function sync(form) {
    var select = form.querySelector("select[name=category]");
    if (!select) { return; }
    form.querySelectorAll("[data-questions-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-questions-for") !== select.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-portal-submit]");
    if (!form) { return; }
    sync(form);
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "category") { sync(form); }
    });
  });
})();
