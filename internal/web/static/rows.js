// The rows behind a chart: /api/rows with the dashboard's query string.
"use strict";

(function () {
  var root = document.getElementById("rowsview");
  if (!root) return;
  var uid = root.getAttribute("data-uid"), id = root.getAttribute("data-panel");
  var qs = location.search.replace(/^\?/, "");
  window.vocLoaded = false;
  window.vocPanels = {};
  var back = new URLSearchParams(qs);
  ["limit", "format", "day", "week", "hour_of_week"].forEach(function (k) { back.delete(k); });
  document.getElementById("back").href = "/d/" + uid + "?" + back.toString();
  document.getElementById("rows-csv").href = "/api/rows/" + uid + "/" + id + "?" + qs + (qs ? "&" : "") + "format=csv";
  voc.getJSON("/api/rows/" + uid + "/" + id + "?" + qs).then(function (d) {
    var what = d.title + " from " + d.from.replace("T", " ") + " to " + d.to.replace("T", " ");
    var f = Object.keys(d.filters || {}).map(function (k) { return k + " = " + d.filters[k]; });
    if (f.length) what += ", where " + f.join(", ");
    if (d.ignored && d.ignored.length) what += " (not applicable here: " + d.ignored.join(", ") + ")";
    what += ". " + d.rows.length + " row" + (d.rows.length === 1 ? "" : "s") + (d.rows.length >= d.limit ? " (the first " + d.limit + ")" : "") + ".";
    document.getElementById("rows-what").textContent = what;
    var t = document.getElementById("rows-table");
    if (!d.rows.length) t.appendChild(voc.el("p", { "class": "empty" }, "No rows."));
    else t.appendChild(voc.table(d.columns, d.rows));
    window.vocPanels[id] = { status: d.rows.length ? "ok" : "empty", rows: d.rows.length };
    window.vocLoaded = true;
  }).catch(function (err) {
    document.getElementById("rows-table").appendChild(voc.el("p", { "class": "error" }, err.message));
    window.vocPanels[id] = { status: "error", error: err.message };
    window.vocLoaded = true;
  });
})();
