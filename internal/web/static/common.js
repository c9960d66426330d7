// Shared helpers of voc serve's pages (formatting by unit, tables, fetch).
"use strict";

var voc = window.voc || {};
window.voc = voc;

voc.fmt = function (v, unit) {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v !== "number") return String(v);
  switch (unit) {
    case "ratio": return (v * 100).toFixed(1) + " %";
    case "seconds":
      if (Math.abs(v) >= 3600) return (v / 3600).toFixed(1) + " h";
      if (Math.abs(v) >= 60) return (v / 60).toFixed(1) + " min";
      return v.toFixed(v < 10 ? 1 : 0) + " s";
    case "hours": return v.toFixed(1) + " h";
    case "count": return Math.round(v).toLocaleString("en-US");
    case "nps": return v.toFixed(0);
    case "index": return v.toFixed(1);
    case "score": return v.toFixed(2);
  }
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return Math.abs(v) < 10 ? v.toFixed(3) : v.toFixed(1);
};

voc.el = function (tag, attrs, text) {
  var e = document.createElement(tag);
  if (attrs) for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]); }
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
};

voc.getJSON = function (url) {
  return fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) {
    return r.json().catch(function () { return { error: "HTTP " + r.status }; }).then(function (body) {
      if (!r.ok) throw new Error(body && body.error ? body.error : "HTTP " + r.status);
      return body;
    });
  });
};

// table draws columns and rows; units (by column name) format numbers,
// link(rowIndex) may return a URL for the row.
voc.table = function (columns, rows, units, link) {
  var t = voc.el("table", { "class": "data" });
  var thead = voc.el("thead"), tr = voc.el("tr");
  columns.forEach(function (c) { tr.appendChild(voc.el("th", null, c)); });
  thead.appendChild(tr); t.appendChild(thead);
  var tb = voc.el("tbody");
  rows.forEach(function (row, i) {
    var r = voc.el("tr");
    row.forEach(function (v, j) {
      var unit = units ? units[columns[j]] : undefined;
      var text = (v !== null && typeof v === "object") ? JSON.stringify(v) : voc.fmt(v, unit);
      var td = voc.el("td", typeof v === "number" ? { "class": "num" } : null);
      var url = link && j === 0 ? link(i) : null;
      if (url) { var a = voc.el("a", { href: url }, text); td.appendChild(a); } else { td.textContent = text; }
      r.appendChild(td);
    });
    tb.appendChild(r);
  });
  t.appendChild(tb);
  return t;
};
