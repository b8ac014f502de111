/* Löfteskartan presenter mode: one slide at a time, driven by keyboard or a presentation clicker.
   The slide number lives in the URL (#/3, or ?slide=3 on first load) so a reload stays put; the map
   flies to each slide's areas, computed from the page's JSON block. Text is set with textContent only. */
(function () {
  "use strict";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  var data = json("present-data"), S = json("present-strings");
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var total = slides.length;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var current = 0, map = null, paths = {}, labels = {};

  function clamp(n) { return Math.min(Math.max(n, 1), total); }

  function fromUrl() {
    var hash = /^#\/(\d+)$/.exec(window.location.hash);
    if (hash) { return clamp(parseInt(hash[1], 10)); }
    var query = new URLSearchParams(window.location.search).get("slide");
    return query && /^\d+$/.test(query) ? clamp(parseInt(query, 10)) : 1;
  }

  function boundsOf(slugs) {
    var bounds = null;
    (slugs || []).forEach(function (slug) {
      var box = (data.areas[slug] || {}).bbox;  // [west, south, east, north]
      if (!box) { return; }
      var b = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
      bounds = bounds ? bounds.extend(b) : b;
    });
    return bounds;
  }

  function highlight(info) {
    var focus = info.kind === "area" ? info.area : null;
    Object.keys(paths).forEach(function (slug) {
      paths[slug].classList.toggle("is-current", slug === focus);
      paths[slug].classList.toggle("is-dim", focus !== null && slug !== focus);
    });
    Object.keys(labels).forEach(function (slug) {
      labels[slug].classList.toggle("is-current", slug === focus);
    });
  }

  function frame(animate) {
    if (!map) { return; }
    var info = data.slides[current - 1], bounds = boundsOf(info.areas);
    highlight(info);
    if (!bounds) { return; }
    var options = {padding: [48, 48], maxZoom: 15};
    document.body.setAttribute("data-map-moving", "true");
    if (animate && !reducedMotion) {
      map.flyToBounds(bounds, Object.assign({duration: 1.2}, options));
    } else {
      map.fitBounds(bounds, Object.assign({animate: false}, options));
    }
  }

  function show(n, how) {
    how = how || {};
    n = clamp(n);
    var changed = n !== current;
    current = n;
    slides.forEach(function (slide, i) {
      var on = i === n - 1;
      slide.hidden = !on;
      slide.classList.toggle("is-current", on);
    });
    document.getElementById("slide-counter").textContent = n + " / " + total;
    document.querySelector("[data-go=prev]").disabled = n === 1;
    document.querySelector("[data-go=next]").disabled = n === total;
    if (how.url !== false && window.location.hash !== "#/" + n) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + "#/" + n);
    }
    if (changed && how.announce !== false) {
      var info = data.slides[n - 1];
      document.getElementById("announcer").textContent = (S.slide_of || "{n} / {total}: {heading}")
        .replace("{n}", n).replace("{total}", total).replace("{heading}", info.heading);
    }
    if (changed || how.reframe) { frame(how.animate !== false); }
  }

  function fullscreen() {
    var root = document.documentElement;
    var request = document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen && root.requestFullscreen();
    if (request && request.catch) { request.catch(function () { /* refused: stay as we are */ }); }
  }

  var NEXT = {ArrowRight: 1, PageDown: 1, ArrowDown: 1, " ": 1, Spacebar: 1};
  var PREV = {ArrowLeft: 1, PageUp: 1, ArrowUp: 1};

  function onKey(e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented) { return; }
    var target = e.target, tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
    var onControl = tag === "BUTTON" || tag === "A";
    var key = e.key;
    if ((key === " " || key === "Enter") && onControl) { return; }  // the focused control's own action
    if (key === " " && e.shiftKey) { show(current - 1); }
    else if (NEXT[key]) { show(current + 1); }
    else if (PREV[key]) { show(current - 1); }
    else if (key === "Home") { show(1); }
    else if (key === "End") { show(total); }
    else if (key === "f" || key === "F") { fullscreen(); }
    else if (key === "b" || key === "B" || key === ".") { document.body.classList.toggle("is-blackout"); }  // clickers' "blank screen"
    else { return; }
    e.preventDefault();
  }

  function wire(cfg) {
    map = cfg.map;
    window.presenterMap = map;
    (cfg.options.attributions || []).forEach(function (a) { map.attributionControl.addAttribution(a); });
    var labelGroup = L.layerGroup().addTo(map);
    cfg.areas.eachLayer(function (layer) {
      var slug = layer.feature.id, area = data.areas[slug] || {};
      var path = layer.getElement && layer.getElement();
      if (path) { paths[slug] = path; path.setAttribute("data-slug", slug); }
      if (area.label_point) {
        var icon = L.divIcon({className: "present-label-icon", html: "", iconSize: null});
        var marker = L.marker([area.label_point[1], area.label_point[0]], {icon: icon, interactive: false, keyboard: false})
          .addTo(labelGroup);
        var label = document.createElement("span");
        label.className = "present-label";
        label.textContent = area.name;
        marker.getElement().appendChild(label);
        labels[slug] = label;
      }
    });
    map.on("moveend", function () { document.body.setAttribute("data-map-moving", "false"); });
    var resizing = null;
    window.addEventListener("resize", function () {  // full screen changes the map's size: frame the slide again
      window.clearTimeout(resizing);
      resizing = window.setTimeout(function () { map.invalidateSize(); frame(false); }, 150);
    });
    frame(false);
    window.Presenter.map = map;
  }

  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", function () { show(fromUrl(), {url: false}); });
  document.querySelectorAll("[data-go]").forEach(function (button) {
    button.addEventListener("click", function () {
      var go = button.getAttribute("data-go");
      if (go === "next") { show(current + 1); } else if (go === "prev") { show(current - 1); } else { fullscreen(); }
    });
  });

  show(fromUrl(), {announce: false, animate: false});
  window.Presenter = {wire: wire, show: show, current: function () { return current; }, map: null};
}());
