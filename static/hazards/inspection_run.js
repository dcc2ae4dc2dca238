// Signature pad of the inspection page: draw with a finger, mouse or pen; on save the drawing
// is sent as a PNG file in the form's "signature" field. No inline script (the CSP forbids it).
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("canvas");
    var fileInput = form.querySelector("[data-signature-file]");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    context.lineWidth = 3;
    context.lineCap = "round";
    context.strokeStyle = "#000";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
    });
    form.addEventListener("submit", function (event) {
      if (fileInput.files.length) return; // already attached: let the form post
      event.preventDefault();
      if (!drawn) {
        canvas.classList.add("border-danger");
        return;
      }
      canvas.toBlob(function (blob) {
        var transfer = new DataTransfer();
        transfer.items.add(new File([blob], "signature.png", { type: "image/png" }));
        fileInput.files = transfer.files;
        form.submit();
      }, "image/png");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-form]").forEach(setUp);
  });
})();
