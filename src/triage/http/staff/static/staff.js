// The staff page works without JavaScript; this only helps: it shows the questions of
// the chosen needs, and moves focus to the result (or the error) after a submit.
// It stores nothing in the browser.
(function () {
  "use strict";
  function sync() {
    var boxes = document.querySelectorAll("input[data-need]");
    var any = false;
    boxes.forEach(function (b) { if (b.checked) { any = true; } });
    boxes.forEach(function (b) {
      var group = document.querySelector('[data-questions="' + b.dataset.need + '"]');
      if (group) { group.hidden = any && !b.checked ? true : !any; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-need]").forEach(function (b) {
      b.addEventListener("change", sync);
    });
    sync();
    var target = document.getElementById("form-error") || document.getElementById("result") ||
      document.getElementById("notice");
    if (target) { target.focus(); }
  });
})();
