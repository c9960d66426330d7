// The analysts' SQL page: runs the query through POST /api/sql (as the
// read-only ClickHouse user), shows the rows or ClickHouse's refusal.
"use strict";

(function () {
  var form = document.getElementById("sqlform");
  if (!form) return;
  var ta = document.getElementById("sql"), status = document.getElementById("status");
  var errBox = document.getElementById("error"), result = document.getElementById("result");
  window.vocSQL = { state: "idle" };

  function run() {
    errBox.hidden = true; errBox.textContent = "";
    result.textContent = "";
    status.textContent = "running…";
    window.vocSQL = { state: "running" };
    return fetch("/api/sql", { method: "POST", headers: { "Content-Type": "text/plain; charset=utf-8" }, body: ta.value })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
      .then(function (res) {
        if (!res.ok) {
          errBox.hidden = false;
          errBox.textContent = res.body.error + (res.body.clickhouse_code ? " (" + (res.body.clickhouse_error || "ClickHouse error") + ", code " + res.body.clickhouse_code + ")" : "");
          status.textContent = "refused (HTTP " + res.status + ")";
          window.vocSQL = { state: "error", status: res.status, error: errBox.textContent };
          return;
        }
        var b = res.body;
        status.textContent = b.rows.length + " row" + (b.rows.length === 1 ? "" : "s") + (b.truncated ? " shown (more in the CSV)" : "") + " in " + b.elapsed_ms + " ms";
        result.appendChild(voc.table(b.columns, b.rows));
        window.vocSQL = { state: "ok", rows: b.rows.length, columns: b.columns };
      })
      .catch(function (e) {
        errBox.hidden = false; errBox.textContent = e.message;
        window.vocSQL = { state: "error", error: e.message };
      });
  }
  window.vocRunSQL = function (text) { ta.value = text; return run().then(function () { return window.vocSQL; }); };
  document.getElementById("run").addEventListener("click", run);
  ta.addEventListener("keydown", function (e) { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); } });

  var schemaBox = document.getElementById("schema"), filter = document.getElementById("schema-filter");
  voc.getJSON("/api/schema").then(function (s) {
    s.tables.forEach(function (t) {
      var d = voc.el("details", { "class": "table", "data-name": t.Name });
      if (t.Section === "Analyst views") d.open = false;
      var sum = voc.el("summary");
      sum.appendChild(voc.el("code", null, t.Name));
      sum.appendChild(voc.el("span", { "class": "small" }, " " + t.Section));
      d.appendChild(sum);
      d.appendChild(voc.el("p", { "class": "small" }, t.Comment));
      var ul = voc.el("ul");
      (t.Columns || []).forEach(function (c) {
        var li = voc.el("li", { "data-name": c.Name });
        li.appendChild(voc.el("code", null, c.Name));
        li.appendChild(voc.el("span", { "class": "type" }, " " + c.Type));
        li.appendChild(voc.el("div", { "class": "small" }, c.Comment));
        ul.appendChild(li);
      });
      d.appendChild(ul);
      schemaBox.appendChild(d);
    });
    window.vocSchema = s.tables.length;
  }).catch(function (e) { schemaBox.appendChild(voc.el("p", { "class": "error" }, e.message)); window.vocSchema = -1; });
  filter.addEventListener("input", function () {
    var q = filter.value.toLowerCase();
    schemaBox.querySelectorAll("details.table").forEach(function (d) {
      var hit = !q || d.getAttribute("data-name").toLowerCase().indexOf(q) >= 0 || d.textContent.toLowerCase().indexOf(q) >= 0;
      d.hidden = !hit;
      if (q && hit) d.open = true;
    });
  });
})();
