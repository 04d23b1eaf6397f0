// Live progress of deposit jobs: every element with data-progress-url holds rows marked data-job="<id>";
// while any of them is unfinished, ask the JSON endpoint every few seconds and update the marked fields.
// Progressive enhancement: without this file the pages show the state at load time.
(function () {
  "use strict";
  var INTERVAL = 2000;
  var FIELDS = ["state_label", "step_label", "attempts", "next_retry", "last_error", "doi"];
  var TARGET = {state_label: "state", step_label: "step"};

  function setText(row, name, value) {
    var element = row.querySelector('[data-field="' + name + '"]');
    if (element) { element.textContent = (value === "" || value === null) ? "—" : String(value); }
  }

  function update(container, job) {
    var row = container.querySelector('[data-job="' + job.id + '"]');
    if (!row) { return; }
    FIELDS.forEach(function (field) { setText(row, TARGET[field] || field, job[field]); });
    var landing = row.querySelector('[data-field="landing_url"]');
    if (landing && /^https?:\/\//.test(job.landing_url)) {
      landing.href = job.landing_url;
      landing.textContent = job.landing_url;
    }
    row.querySelectorAll('[data-show-when="can_retry"]').forEach(function (element) {
      element.hidden = !job.can_retry;
    });
    row.setAttribute("data-state", job.state);
    row.setAttribute("data-finished", job.finished ? "true" : "false");
  }

  function poll(container) {
    var ids = [];
    container.querySelectorAll('[data-job][data-finished="false"]').forEach(function (row) {
      ids.push("id=" + encodeURIComponent(row.getAttribute("data-job")));
    });
    if (!ids.length) { return; }
    fetch(container.getAttribute("data-progress-url") + "?" + ids.join("&"), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.ok ? response.json() : {jobs: []};
    }).then(function (data) {
      data.jobs.forEach(function (job) { update(container, job); });
      window.setTimeout(function () { poll(container); }, INTERVAL);
    }).catch(function () {
      window.setTimeout(function () { poll(container); }, INTERVAL * 5);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-url]").forEach(function (container) {
      window.setTimeout(function () { poll(container); }, INTERVAL);
    });
  });
})();
