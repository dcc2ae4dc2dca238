// Portal submit form: show only the chosen category's questions, and the "call 110 / 119 / 120
// now" warning only once a category of danger to life is chosen. Without JavaScript every
// category's questions and the warning stay visible, each headed with its category, and the
// server checks only the chosen one's.
(function () {
  "use strict";
  function sync(form) {
    var select = form.querySelector("select[name=category]");
    if (!select) { return; }
    form.querySelectorAll("[data-questions-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-questions-for") !== select.value;
    });
    form.querySelectorAll("[data-emergency-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-emergency-for").split(" ").indexOf(select.value) < 0;
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
