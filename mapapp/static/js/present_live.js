/* Löfteskartan: a dialogue's live results on the room's screen. Asks the results' JSON twin about once a
   second (the browser revalidates with its ETag, so an unchanged answer is a bodiless 304), and fills the
   containers of templates/dialogue/_live.html with text only (textContent, never markup). Grid cells are
   drawn on the presenter's map. A signed-in planner can reveal and hide the results (a toggle button, or R). */
(function () {
  "use strict";

  var node = document.getElementById("dialogue-live");
  if (!node) { return; }
  var cfg = JSON.parse(node.textContent), S = cfg.strings || {};
  var toggle = document.querySelector("[data-live-toggle]");
  var visible = !!cfg.visible, cellsKey = null, cellsLayer = null, failures = 0;
  var labels = {};
  (cfg.scale || []).forEach(function (s) { labels[s.value] = s.label; });

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_m, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function setAll(selector, text) {
    document.querySelectorAll(selector).forEach(function (el) { el.textContent = text; });
  }

  function rating(li, r) {
    var total = r.answers || 0;
    var levels = [r.counts[0], r.counts[1], r.counts[2], r.counts[3], r.unknown];
    li.querySelectorAll(".seg").forEach(function (seg) {
      var level = Number(seg.getAttribute("data-level"));
      var n = level === 0 ? r.unknown : r.counts[level - 1];
      seg.style.width = total ? (100 * n / total) + "%" : "0";
    });
    li.querySelector("[data-part=noticed]").textContent =
      r.noticed === null ? "–" : fill(S.noticed, {p: Math.round(r.noticed * 100)});
    li.querySelector("[data-part=answers]").textContent = fill(S.answers, {n: total});
    li.querySelector("[data-part=unknown]").textContent = fill(S.unknown, {n: r.unknown});
    li.querySelector("[data-part=levels]").textContent = " (" + [1, 2, 3, 4, 0].map(function (level, i) {
      return (labels[level] || level) + ": " + levels[i];
    }).join(", ") + ")";
  }

  function themes(list, rows) {
    var most = rows.reduce(function (m, r) { return Math.max(m, r.count); }, 0);
    list.textContent = "";
    rows.slice(0, 8).forEach(function (r) {
      var li = document.createElement("li"), label = document.createElement("span");
      var bar = document.createElement("span"), count = document.createElement("strong");
      label.className = "theme-label"; label.textContent = r.theme;
      bar.className = "theme-bar"; bar.setAttribute("aria-hidden", "true");
      bar.style.width = most ? (60 * r.count / most) + "%" : "0";
      count.className = "theme-count"; count.textContent = String(r.count);
      li.appendChild(label); li.appendChild(bar); li.appendChild(count);
      list.appendChild(li);
    });
    if (!rows.length) {
      var none = document.createElement("li");
      none.textContent = S.none || "";
      list.appendChild(none);
    }
  }

  function questions(list, rows) {
    var shown = rows.slice(-3);  // three of the longest (280 characters) still fit a slide
    list.textContent = "";
    shown.forEach(function (q) {
      var li = document.createElement("li");
      li.textContent = q.text;
      li.setAttribute("data-id", String(q.id));
      list.appendChild(li);
    });
    setAll("[data-live=questions-more]", rows.length > shown.length ? fill(S.more, {n: rows.length - shown.length}) : "");
  }

  function cells(places) {
    var map = window.Presenter && window.Presenter.map;
    var rows = places ? places.cells : [];
    var key = JSON.stringify(rows.map(function (c) { return [c.cell, c.count]; }));
    if (!map || !window.L || key === cellsKey) { return; }
    cellsKey = key;
    if (cellsLayer) { map.removeLayer(cellsLayer); cellsLayer = null; }
    if (!rows.length) { return; }
    cellsLayer = L.geoJSON({type: "FeatureCollection", features: rows.map(function (c) {
      return {type: "Feature", properties: {count: c.count}, geometry: c.geometry};
    })}, {
      interactive: false,
      style: function () { return {color: "#111111", weight: 2, fillColor: "#b2182b", fillOpacity: 0.45, className: "dialogue-cell"}; },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(String(f.properties.count), {permanent: true, direction: "center", className: "cell-count"});
      }
    }).addTo(map);
  }

  function render(data) {
    visible = !!data.visible;
    setAll("[data-live=participants]", String(data.participants));
    document.body.classList.toggle("results-hidden", !visible);
    if (toggle) { toggle.setAttribute("aria-pressed", visible ? "true" : "false"); }
    if (!visible) { cells(null); return; }
    var byKey = {};
    (data.ratings || []).forEach(function (r) { byKey[r.key] = r; });
    document.querySelectorAll(".live-rating").forEach(function (li) {
      var r = byKey[li.getAttribute("data-key")];
      if (r) { rating(li, r); }
    });
    document.querySelectorAll("[data-live=themes]").forEach(function (list) { themes(list, data.themes || []); });
    var p = data.places || {cells: [], answers: 0, hidden: 0, min_count: 0};
    setAll("[data-live=places]", fill(S.cells, {n: p.cells.length, answers: p.answers, k: p.min_count}));
    setAll("[data-live=places-hidden]", fill(S.hidden_cells, {n: p.hidden, k: p.min_count}));
    document.querySelectorAll("[data-live=questions]").forEach(function (list) { questions(list, data.questions || []); });
    cells(p);
    document.body.setAttribute("data-live-updated", String(Date.now()));
  }

  function refresh() {
    return fetch(cfg.results_url, {cache: "no-cache", credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) { failures = 0; render(data); });
  }

  function poll() {  // one chain of requests: the next is asked for only after the last has answered
    refresh()
      .catch(function () { failures += 1; })
      .then(function () { window.setTimeout(poll, cfg.poll_ms * Math.min(1 + failures, 5)); });
  }

  function flip() {
    if (!cfg.toggle_url) { return; }
    var body = new URLSearchParams({visible: visible ? "0" : "1"});
    fetch(cfg.toggle_url, {method: "POST", body: body, credentials: "same-origin",
                           headers: {Accept: "application/json", "X-CSRFToken": cfg.csrf}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (answer) { visible = answer.visible; document.body.classList.toggle("results-hidden", !visible); return refresh(); }
      })
      .catch(function () { /* the next poll shows the state as it is */ });
  }

  if (toggle) { toggle.addEventListener("click", flip); }
  document.addEventListener("keydown", function (e) {
    var tag = e.target && e.target.tagName;
    if (e.ctrlKey || e.altKey || e.metaKey || tag === "INPUT" || tag === "TEXTAREA") { return; }
    if ((e.key === "r" || e.key === "R") && cfg.toggle_url) { e.preventDefault(); flip(); }
  });
  poll();
}());
