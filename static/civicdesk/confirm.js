// Irreversible steps ask first (workflow.machine.Transition.confirm): a form carrying
// data-confirm opens a dialog saying what will happen, and only "Yes" sends it, with
// confirmed=1 (so files chosen in the form are kept). Without JavaScript, or without <dialog>,
// the server asks on a page of its own (workflow.views.ask_to_confirm).
(function () {
  "use strict";
  function confirmedInput() {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "1";
    return input;
  }
  function ask(form, text, submitter) {
    var template = document.getElementById("cd-confirm");
    var dialog = template.content.firstElementChild.cloneNode(true);
    dialog.querySelector("[data-confirm-text]").textContent = text;
    dialog.querySelector("[data-confirm-yes]").addEventListener("click", function () {
      form.appendChild(confirmedInput());
      dialog.close();
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    });
    dialog.querySelector("[data-confirm-no]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute("data-confirm");
    if (!text || form.querySelector("input[name=confirmed]")) { return; }
    if (!document.getElementById("cd-confirm") || typeof HTMLDialogElement === "undefined") {
      return;
    }
    event.preventDefault();
    ask(form, text, event.submitter);
  });
})();
