// The staff page works without JavaScript; this only helps: it shows the questions of
// the chosen needs, shows the 112 instruction the moment a red flag is ticked (before
// anything is sent), and moves focus to the result (or the error) after a submit.
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
  function flags() {
    var ticked = document.querySelectorAll('input[name="red_flag"]:checked');
    var box = document.getElementById("flag-now");
    var none = document.querySelector('input[name="no_red_flags"]');
    if (!box) { return; }
    box.querySelectorAll("span.flag-instruction").forEach(function (s) { s.remove(); });
    ticked.forEach(function (f) {
      if (f.dataset.instruction) {
        var s = document.createElement("span");
        s.className = "flag-instruction";
        s.textContent = " " + f.dataset.instruction;
        box.appendChild(s);
      }
    });
    box.hidden = ticked.length === 0;
    if (ticked.length && none) { none.checked = false; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-need]").forEach(function (b) {
      b.addEventListener("change", sync);
    });
    document.querySelectorAll('input[name="red_flag"]').forEach(function (b) {
      b.addEventListener("change", flags);
    });
    sync();
    flags();
    var target = document.getElementById("form-error") || document.getElementById("result") ||
      document.getElementById("notice");
    if (target) { target.focus(); }
  });
})();
