// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // A summary link moves focus to the field it names (following the link alone only scrolls); a group of
  // checkboxes or radios gets its first input.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (!field) { return; }
    event.preventDefault();
    field.scrollIntoView({block: "center"});
    field.focus();
  });
})();

// Warn before leaving a form with unsaved changes (forms marked data-warn-unsaved).
(function () {
  "use strict";
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-warn-unsaved")) { dirty = true; }
  });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();

// "Select all" checkboxes (data-select-all="NAME") tick every checkbox NAME of their form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var name = event.target && event.target.getAttribute("data-select-all");
    if (!name || !event.target.form) { return; }
    event.target.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();

// Long selects (data-searchable) get a search box above them that hides the options not matching what is
// typed (full-width and half-width forms alike); without JavaScript they stay plain selects.
(function () {
  "use strict";
  function fold(text) { return (text || "").normalize("NFKC").toLowerCase(); }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-searchable]").forEach(function (select) {
      var box = document.createElement("input");
      box.type = "search";
      box.className = "select-search";
      box.setAttribute("aria-controls", select.id);
      box.setAttribute("aria-label", select.getAttribute("data-searchable"));
      box.placeholder = select.getAttribute("data-searchable");
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var needle = fold(box.value);
        select.querySelectorAll("optgroup").forEach(function (group) {
          var any = false;
          group.querySelectorAll("option").forEach(function (option) {
            var match = !needle || fold(group.label + " " + option.textContent).indexOf(needle) !== -1;
            option.hidden = !match;
            any = any || match;
          });
          group.hidden = !any;
        });
      });
    });
  });
})();
