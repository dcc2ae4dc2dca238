// The intake page: add a row for another person, and ask for likely matches when a field
// that identifies the matter or the person changes (rows added later included).
(function () {
  "use strict";

  function addPerson(form) {
    var total = form.querySelector("input[name='person-TOTAL_FORMS']");
    var max = form.querySelector("input[name='person-MAX_NUM_FORMS']");
    var template = document.getElementById("intake-person-template");
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) {
      return;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("intake-people").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) {
      return;
    }
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-add-person]")) {
        event.preventDefault();
        addPerson(form);
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("cd-match-input")) {
        form.dispatchEvent(new CustomEvent("matchinput"));
      }
    });
  });
})();
