// DMP editor: warn before leaving a form with unsaved changes (progressive enhancement).
(function () {
  "use strict";
  var dirty = false;
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-warn-unsaved]");
    Array.prototype.forEach.call(forms, function (form) {
      var mark = function () {
        if (!dirty) {
          dirty = true;
          form.classList.add("is-dirty");
        }
      };
      form.addEventListener("input", mark);
      form.addEventListener("change", mark);
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (event) {
        if (dirty) {
          event.preventDefault();
          event.returnValue = form.getAttribute("data-warn-message") || "";
          return event.returnValue;
        }
      });
    });
  });
})();
