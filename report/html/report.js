// Filters the findings table by check, status and text. The page reads
// the same without it: every finding is listed, and the form stays hidden.
"use strict";
(function () {
  var form = document.getElementById("filter");
  var table = document.getElementById("findings");
  if (!form || !table) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var check = form.elements.namedItem("check");
  var status = form.elements.namedItem("status");
  var text = form.elements.namedItem("text");
  var shown = document.getElementById("shown");

  function apply() {
    var c = check.value;
    var s = status.value;
    var q = text.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row, i) {
      var show = (c === "" || row.getAttribute("data-check") === c) &&
        (s === "" || row.getAttribute("data-status") === s) &&
        (q === "" || texts[i].indexOf(q) >= 0);
      row.hidden = !show;
      if (show) {
        n++;
      }
    });
    shown.textContent = n + " of " + rows.length + " shown";
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  // A check's count of findings in the checks table shows only its findings.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-check]"), function (a) {
    a.addEventListener("click", function () {
      check.value = a.getAttribute("data-check");
      status.value = "";
      text.value = "";
      apply();
    });
  });
  form.hidden = false;
  apply();
})();
