// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Submit the language switch as soon as a language is picked; the button stays for no-JS use.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "lang-select") {
      event.target.form.submit();
    }
  });
  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
