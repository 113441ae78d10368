// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Document form: show the licence reference for e-licences, the file input for uploads.
  document.querySelectorAll("[data-source-switch]").forEach(function (form) {
    var update = function () {
      var checked = form.querySelector("input[name=source]:checked");
      var source = checked ? checked.value : "upload";
      form.querySelectorAll("[data-for-source]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-source") !== source;
      });
    };
    form.addEventListener("change", update);
    update();
  });
  // Application kind: only high voltage needs voltage and supply.
  document.querySelectorAll("[data-kind-switch]").forEach(function (form) {
    var update = function () {
      var checked = form.querySelector("input[name=kind]:checked");
      var hv = checked && checked.value === "hv";
      form.querySelectorAll("[data-hv-only]").forEach(function (el) { el.hidden = !hv; });
    };
    form.addEventListener("change", update);
    update();
  });
  // Ask before an action that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
