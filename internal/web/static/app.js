// A dashboard of voc serve: controls, panels drawn with ECharts from
// /api/panels, a click on any chart opens the rows behind it.
"use strict";

(function () {
  var root = document.getElementById("dashboard");
  if (!root) return;
  var uid = root.getAttribute("data-uid");
  var colors = { green: "#56A64B", yellow: "#E0B400", orange: "#FF780A", red: "#E02F44", blue: "#3274D9", purple: "#A352CC", text: "#464C54" };
  var palette = ["#3274D9", "#56A64B", "#FF780A", "#A352CC", "#E02F44", "#E0B400", "#8AB8FF", "#73BF69", "#F2495C", "#B877D9"];
  var ranges = [["1h", "last hour"], ["6h", "last 6 hours"], ["24h", "last 24 hours"], ["7d", "last 7 days"], ["14d", "last 14 days"], ["28d", "last 28 days"], ["90d", "last 90 days"], ["custom", "custom…"]];
  var desc = null, state = {}, charts = {}, timer = null;

  // Test hooks: what each panel shows, and whether the first load is done.
  window.vocPanels = {};
  window.vocLoaded = false;

  function readState() {
    var p = new URLSearchParams(location.search);
    state = { range: p.get("range") || "", from: p.get("from") || "", to: p.get("to") || "" };
    desc.variables.forEach(function (v) { state[v.name] = p.get(v.name) || ""; });
  }

  function query(extra) {
    var p = new URLSearchParams();
    if (state.from) { p.set("from", state.from); if (state.to) p.set("to", state.to); }
    else if (state.range) p.set("range", state.range);
    desc.variables.forEach(function (v) { if (state[v.name]) p.set(v.name, state[v.name]); });
    if (extra) Object.keys(extra).forEach(function (k) { if (extra[k] !== null && extra[k] !== undefined && extra[k] !== "") p.set(k, extra[k]); });
    return p.toString();
  }

  function saveState() {
    var qs = query();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function colorAt(th, v) {
    if (!th || !th.length || v === null || v === undefined) return null;
    var c = th[0].Color;
    for (var i = 1; i < th.length; i++) if (v >= th[i].Value) c = th[i].Color;
    return colors[c] || c;
  }

  // ---- controls
  function buildControls() {
    var f = document.getElementById("controls");
    var rs = voc.el("select", { id: "range", "aria-label": "time range" });
    ranges.forEach(function (r) { var o = voc.el("option", { value: r[0] }, r[1]); rs.appendChild(o); });
    rs.value = state.from ? "custom" : (state.range || desc.range);
    if (!rs.value) rs.value = "7d";
    var from = voc.el("input", { type: "date", id: "from", "aria-label": "from" });
    var to = voc.el("input", { type: "date", id: "to", "aria-label": "to" });
    from.value = state.from.slice(0, 10); to.value = state.to.slice(0, 10);
    var custom = voc.el("span", { "class": "custom" });
    custom.appendChild(from); custom.appendChild(document.createTextNode(" to ")); custom.appendChild(to);
    custom.hidden = rs.value !== "custom";
    var lab = voc.el("label", null, "Time ");
    lab.appendChild(rs);
    f.appendChild(lab); f.appendChild(custom);
    rs.addEventListener("change", function () {
      custom.hidden = rs.value !== "custom";
      if (rs.value === "custom") return;
      state.range = rs.value; state.from = ""; state.to = "";
      changed();
    });
    [from, to].forEach(function (inp) {
      inp.addEventListener("change", function () {
        if (!from.value) return;
        state.from = from.value; state.to = to.value; state.range = "";
        changed();
      });
    });
    desc.variables.forEach(function (v) {
      var sel = voc.el("select", { id: "var-" + v.name, "aria-label": v.label });
      sel.appendChild(voc.el("option", { value: "" }, "All"));
      (v.options || []).forEach(function (o) { sel.appendChild(voc.el("option", { value: o.Value }, o.Text || o.Value)); });
      if (state[v.name] && !sel.querySelector('option[value="' + CSS.escape(state[v.name]) + '"]')) {
        sel.appendChild(voc.el("option", { value: state[v.name] }, state[v.name]));
      }
      sel.value = state[v.name];
      if (v.dynamic) {
        voc.getJSON("/api/dashboards/" + uid + "/variables/" + v.name + "?" + query()).then(function (opts) {
          opts.forEach(function (o) {
            if (o.Value !== state[v.name]) sel.appendChild(voc.el("option", { value: o.Value }, o.Text || o.Value));
          });
        }).catch(function () { /* the filter keeps its value; panels report their own errors */ });
      }
      sel.addEventListener("change", function () { state[v.name] = sel.value; changed(); });
      var l = voc.el("label", null, v.label + " ");
      l.appendChild(sel);
      f.appendChild(l);
    });
    var status = voc.el("span", { id: "refresh-status", "class": "small" });
    f.appendChild(status);
  }

  function changed() { saveState(); loadAll(); }

  // ---- panels
  function rowsURL(p, extra) { return "/d/" + uid + "/rows/" + p.id + "?" + query(extra); }

  function buildPanels() {
    var grid = document.getElementById("panels");
    var section = null;
    desc.panels.forEach(function (p) {
      if (p.section && p.section !== section) {
        section = p.section;
        grid.appendChild(voc.el("h2", { "class": "section" }, section));
      }
      var box = voc.el("section", { "class": "panel kind-" + p.kind, id: "panel-" + p.id, "data-panel": p.id, style: "grid-column: span " + Math.max(4, Math.min(24, p.width || 12)) });
      var head = voc.el("div", { "class": "panel-head" });
      head.appendChild(voc.el("h3", { title: p.description || "" }, p.title));
      if (!p.external) {
        var a = voc.el("a", { "class": "rows-link", href: rowsURL(p), title: "the rows behind this panel" }, "rows ›");
        head.appendChild(a);
        p.link = a;
      }
      box.appendChild(head);
      var body = voc.el("div", { "class": "panel-body", style: "height:" + Math.max(90, (p.height || 8) * 30 - 40) + "px" });
      box.appendChild(body);
      if (p.description) box.appendChild(voc.el("p", { "class": "panel-desc" }, p.description));
      p.body = body;
      grid.appendChild(box);
    });
  }

  function loadAll() {
    desc.panels.forEach(function (p) { if (p.link) p.link.href = rowsURL(p); });
    var st = document.getElementById("refresh-status");
    // Four panels at a time: the page stays responsive and ClickHouse is
    // not asked for every panel at once.
    var queue = desc.panels.slice(), workers = [];
    var next = function () { var p = queue.shift(); return p ? loadPanel(p).then(next) : Promise.resolve(); };
    for (var i = 0; i < 4; i++) workers.push(next());
    return Promise.all(workers).then(function () {
      window.vocLoaded = true;
      if (st) st.textContent = "updated " + new Date().toLocaleTimeString() + (desc.refresh_ms ? " · refreshes every " + Math.round(desc.refresh_ms / 1000) + " s" : "");
    });
  }

  function loadPanel(p) {
    if (p.external) {
      p.body.textContent = "";
      p.body.appendChild(voc.el("p", { "class": "external" }, p.external));
      window.vocPanels[p.id] = { status: "external", rows: 0, kind: p.kind, title: p.title };
      return Promise.resolve();
    }
    return voc.getJSON("/api/panels/" + uid + "/" + p.id + "?" + query()).then(function (d) {
      var n = draw(p, d);
      window.vocPanels[p.id] = { status: n > 0 ? "ok" : "empty", rows: d.rows.length, points: n, kind: p.kind, title: p.title, ms: d.elapsed_ms };
    }).catch(function (err) {
      if (charts[p.id]) { charts[p.id].dispose(); delete charts[p.id]; }
      p.body.textContent = "";
      p.body.appendChild(voc.el("p", { "class": "error" }, "Could not load: " + err.message));
      window.vocPanels[p.id] = { status: "error", rows: 0, error: err.message, kind: p.kind, title: p.title };
    });
  }

  function cols(d, kind) {
    var out = [];
    d.columns.forEach(function (c, i) { if (c.kind === kind) out.push(i); });
    return out;
  }

  function emptyNote(p, text) {
    if (charts[p.id]) { charts[p.id].dispose(); delete charts[p.id]; }
    p.body.textContent = "";
    p.body.appendChild(voc.el("p", { "class": "empty" }, text || "No data in this range."));
    return 0;
  }

  function chart(p) {
    if (!charts[p.id]) {
      p.body.textContent = "";
      charts[p.id] = echarts.init(p.body, null, { renderer: "canvas" });
      charts[p.id].on("click", function (ev) { if (ev.data && ev.data.link) location.href = ev.data.link; });
    }
    return charts[p.id];
  }

  function markLines(p, unit) {
    if (!p.references || !p.references.length) return undefined;
    return {
      silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#888" },
      label: { formatter: function (x) { return x.name; }, position: "insideEndTop", fontSize: 10 },
      data: p.references.map(function (r) { return { name: r.Name, yAxis: r.Value }; })
    };
  }

  function axisFmt(unit) { return function (v) { return unit === "ratio" ? Math.round(v * 100) + "%" : voc.fmt(v, unit); }; }

  function draw(p, d) {
    var metricsIdx = cols(d, "metric"), dims = cols(d, "dimension");
    if (!d.rows.length) return emptyNote(p);
    switch (p.kind) {
      case "stat": return drawStat(p, d, metricsIdx);
      case "gauge": return drawGauge(p, d, metricsIdx);
      case "timeseries": return drawSeries(p, d, metricsIdx, dims);
      case "bar": return drawBar(p, d, metricsIdx, dims);
      case "heatmap": return drawHeatmap(p, d, metricsIdx, dims);
      default: return drawTable(p, d, dims);
    }
  }

  function firstValue(d, metricsIdx) {
    var idx = metricsIdx.length ? metricsIdx[0] : d.rows[0].findIndex(function (v) { return typeof v === "number"; });
    if (idx < 0) return { v: null };
    return { v: d.rows[0][idx], unit: d.columns[idx].unit, idx: idx };
  }

  function drawStat(p, d, metricsIdx) {
    if (charts[p.id]) { charts[p.id].dispose(); delete charts[p.id]; }
    var f = firstValue(d, metricsIdx);
    var unit = f.unit || p.unit;
    p.body.textContent = "";
    var big = voc.el("a", { "class": "stat", href: rowsURL(p) }, voc.fmt(f.v, unit));
    var c = colorAt(p.thresholds, f.v);
    if (c) big.style.color = c;
    p.body.appendChild(big);
    if (d.wow && d.wow.current.length && d.wow.previous.length && f.idx !== undefined) {
      var cur = d.wow.current[0][f.idx], prev = d.wow.previous[0][f.idx];
      if (typeof cur === "number" && typeof prev === "number") {
        var diff = cur - prev;
        var txt = (diff >= 0 ? "▲ " : "▼ ") + (unit === "ratio" ? (diff * 100).toFixed(1) + " pts" : voc.fmt(Math.abs(diff), unit)) + " week on week";
        p.body.appendChild(voc.el("div", { "class": "wow" }, txt));
      }
    }
    var ref = (p.references || [])[0];
    if (ref) p.body.appendChild(voc.el("div", { "class": "small" }, ref.Name));
    return f.v === null || f.v === undefined ? 0 : 1;
  }

  function drawGauge(p, d, metricsIdx) {
    var f = firstValue(d, metricsIdx);
    if (f.v === null || f.v === undefined) return emptyNote(p);
    var unit = f.unit || p.unit;
    var min = p.min !== undefined ? p.min : 0, max = p.max !== undefined ? p.max : (unit === "ratio" ? 1 : 100);
    var stops = (p.thresholds || []).slice(1).map(function (t, i, arr) {
      return [(t.Value - min) / (max - min), colors[(p.thresholds[i] || {}).Color] || "#999"];
    });
    stops.push([1, colors[(p.thresholds[p.thresholds.length - 1] || {}).Color] || "#3274D9"]);
    chart(p).setOption({
      series: [{ type: "gauge", min: min, max: max, progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12, color: stops } }, pointer: { width: 4 },
        axisLabel: { formatter: axisFmt(unit), fontSize: 10 }, detail: { formatter: function (v) { return voc.fmt(v, unit); }, fontSize: 22 },
        data: [{ value: f.v, name: "", link: rowsURL(p) }] }]
    }, true);
    return 1;
  }

  function drawBar(p, d, metricsIdx, dims) {
    var labels = [], series = [], unit = p.unit, points = 0;
    if (dims.length) {
      var dim = dims[0], dimName = d.columns[dim].name;
      d.rows.forEach(function (r) { labels.push(r[dim] === "" ? "(none)" : String(r[dim])); });
      metricsIdx.forEach(function (mi, k) {
        unit = d.columns[mi].unit || unit;
        series.push({ type: "bar", name: d.columns[mi].name, markLine: k === 0 ? markLines(p) : undefined,
          data: d.rows.map(function (r) {
            var extra = {}; extra[dimName] = r[dim];
            if (r[mi] !== null) points++;
            return { value: r[mi], link: rowsURL(p, extra), itemStyle: metricsIdx.length === 1 && colorAt(p.thresholds, r[mi]) ? { color: colorAt(p.thresholds, r[mi]) } : undefined };
          }) });
      });
    } else {
      var row = d.rows[0];
      var data = metricsIdx.map(function (mi) {
        labels.push(d.columns[mi].name); unit = d.columns[mi].unit || unit;
        if (row[mi] !== null) points++;
        return { value: row[mi], link: rowsURL(p), itemStyle: colorAt(p.thresholds, row[mi]) ? { color: colorAt(p.thresholds, row[mi]) } : undefined };
      });
      series.push({ type: "bar", data: data, markLine: markLines(p) });
    }
    chart(p).setOption({
      color: palette, tooltip: { trigger: "axis", valueFormatter: function (v) { return voc.fmt(v, unit); } },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 60, right: 20, top: series.length > 1 ? 28 : 12, bottom: 50 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0, fontSize: 10 } },
      yAxis: { type: "value", min: p.min, max: p.max, axisLabel: { formatter: axisFmt(unit) } },
      series: series
    }, true);
    return points;
  }

  function drawSeries(p, d, metricsIdx, dims) {
    var times = d.times || d.rows.map(function (r) { return r[dims[0]]; });
    var bucketMS = 0;
    if (times.length > 1) bucketMS = Date.parse(times[1]) - Date.parse(times[0]);
    var labelOf = function (t) {
      var dt = new Date(t);
      if (isNaN(dt)) return String(t);
      return bucketMS && bucketMS < 86400000 ? dt.toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit" }) : dt.toISOString().slice(0, 10);
    };
    var xs = [], xIndex = {}, unit = p.unit, points = 0;
    times.forEach(function (t) { if (!(t in xIndex)) { xIndex[t] = xs.length; xs.push(t); } });
    var series = [];
    var extraDims = dims.slice(1);
    var linkAt = function (t, extra) {
      var e = Object.assign({}, extra || {});
      var start = new Date(t);
      if (!isNaN(start)) {
        var end = new Date(start.getTime() + (bucketMS || 86400000));
        e.from = start.toISOString(); e.to = end.toISOString();
      }
      return rowsURL(p, e);
    };
    if (extraDims.length && metricsIdx.length) {
      var gdim = extraDims[0], gname = d.columns[gdim].name, mi = metricsIdx[0];
      unit = d.columns[mi].unit || unit;
      var groups = {}, order = [];
      d.rows.forEach(function (r, i) {
        var g = r[gdim] === "" ? "(none)" : String(r[gdim]);
        if (!groups[g]) { groups[g] = new Array(xs.length).fill(null); order.push(g); }
        var extra = {}; extra[gname] = r[gdim];
        groups[g][xIndex[times[i]]] = { value: r[mi], link: linkAt(times[i], extra) };
        if (r[mi] !== null) points++;
      });
      order.slice(0, 10).forEach(function (g, k) {
        series.push({ type: "line", name: g, showSymbol: false, data: groups[g], connectNulls: false, markLine: k === 0 ? markLines(p) : undefined });
      });
    } else {
      metricsIdx.forEach(function (mi, k) {
        unit = d.columns[mi].unit || unit;
        var data = new Array(xs.length).fill(null);
        d.rows.forEach(function (r, i) {
          data[xIndex[times[i]]] = { value: r[mi], link: linkAt(times[i]) };
          if (r[mi] !== null) points++;
        });
        series.push({ type: "line", name: d.columns[mi].name, showSymbol: xs.length < 40, data: data, markLine: k === 0 ? markLines(p) : undefined });
      });
    }
    chart(p).setOption({
      color: palette, tooltip: { trigger: "axis", valueFormatter: function (v) { return voc.fmt(v, unit); } },
      legend: series.length > 1 ? { top: 0, type: "scroll" } : undefined,
      grid: { left: 60, right: 20, top: series.length > 1 ? 28 : 12, bottom: 30 },
      xAxis: { type: "category", data: xs.map(labelOf), axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: p.min, max: p.max, axisLabel: { formatter: axisFmt(unit) } },
      series: series
    }, true);
    return points;
  }

  function drawHeatmap(p, d, metricsIdx, dims) {
    var mi = metricsIdx[0], unit = d.columns[mi].unit || p.unit;
    var xs = [], ys = [], xi = {}, yi = {}, data = [], max = 0, points = 0;
    var add = function (arr, idx, v) { if (!(v in idx)) { idx[v] = arr.length; arr.push(v); } return idx[v]; };
    var dimName = dims.length ? d.columns[dims[0]].name : "";
    d.rows.forEach(function (r) {
      var x, y, extra = {};
      if (dims.length >= 2) {
        x = String(r[dims[0]] || "(none)"); y = String(r[dims[1]] || "(none)");
        extra[d.columns[dims[0]].name] = r[dims[0]]; extra[d.columns[dims[1]].name] = r[dims[1]];
      } else {
        var parts = String(r[dims[0]]).split(" ");
        y = parts[0]; x = parts[1] || "";
        extra[dimName] = r[dims[0]];
      }
      var v = r[mi];
      if (v === null) return;
      points++;
      max = Math.max(max, v);
      data.push({ value: [add(xs, xi, x), add(ys, yi, y), v], link: rowsURL(p, extra) });
    });
    if (dims.length < 2) {
      var hours = [], days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
      for (var h = 0; h < 24; h++) hours.push((h < 10 ? "0" : "") + h);
      data.forEach(function (e) { e.value[0] = hours.indexOf(xs[e.value[0]]); e.value[1] = days.indexOf(ys[e.value[1]]); });
      xs = hours; ys = days;
    }
    chart(p).setOption({
      tooltip: { formatter: function (x) { return ys[x.value[1]] + " · " + xs[x.value[0]] + ": " + voc.fmt(x.value[2], unit); } },
      grid: { left: 110, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: xs, axisLabel: { rotate: xs.length > 12 ? 40 : 0, fontSize: 10, interval: 0 } },
      yAxis: { type: "category", data: ys, axisLabel: { fontSize: 10 } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80, inRange: { color: ["#eef4fd", "#3274D9", "#1d3c74"] } },
      series: [{ type: "heatmap", data: data, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
    }, true);
    return points;
  }

  function drawTable(p, d, dims) {
    if (charts[p.id]) { charts[p.id].dispose(); delete charts[p.id]; }
    var names = d.columns.map(function (c) { return c.name; });
    var units = {};
    d.columns.forEach(function (c) { if (c.unit) units[c.name] = c.unit; });
    var dimName = dims.length ? d.columns[dims[0]].name : null;
    var t = voc.table(names, d.rows, units, function (i) {
      if (!dimName) return rowsURL(p);
      var extra = {}; extra[dimName] = d.rows[i][dims[0]];
      return rowsURL(p, extra);
    });
    p.body.textContent = "";
    var wrap = voc.el("div", { "class": "tablewrap" });
    wrap.appendChild(t);
    p.body.appendChild(wrap);
    return d.rows.length;
  }

  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  voc.getJSON("/api/dashboards/" + uid).then(function (d) {
    desc = d;
    readState();
    buildControls();
    buildPanels();
    return loadAll().then(function () {
      if (desc.refresh_ms > 0) timer = setInterval(loadAll, Math.max(2000, desc.refresh_ms));
    });
  }).catch(function (err) {
    document.getElementById("panels").appendChild(voc.el("p", { "class": "error" }, "Could not load the dashboard: " + err.message));
    window.vocLoaded = true;
  });
})();
