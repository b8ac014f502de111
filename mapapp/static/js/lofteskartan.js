/* Löfteskartan: binds tooltips, the area panel and keyboard access to Folium's layers.
   All data reaches the page through DOM text (textContent), never as HTML. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* Fit bounds in the part of the map that is not under the phone's sheet (the panel, when it is open). */
  function zoomTo(map, bounds) {
    var covered = 0, panel = document.getElementById("area-panel");
    if (panel && panel.classList.contains("open") && window.matchMedia("(max-width: 800px)").matches) {
      var frame = map.getContainer().getBoundingClientRect();
      covered = Math.max(0, Math.min(frame.bottom, window.innerHeight) - panel.getBoundingClientRect().top);
      covered = Math.min(covered, frame.height - 80);
    }
    map.fitBounds(bounds, {paddingTopLeft: [20, 20], paddingBottomRight: [20, 20 + covered], maxZoom: 14,
                           animate: !reducedMotion});
  }

  /* Labels are made here, as text, so no name is ever parsed as HTML. */
  function addLabel(group, props) {
    var icon = L.divIcon({className: "area-label-icon", html: "", iconSize: null});
    var marker = L.marker([props.label_point[1], props.label_point[0]],
                          {icon: icon, interactive: false, keyboard: false}).addTo(group);
    var node = marker.getElement();
    if (node) { node.appendChild(el("span", {"class": "area-label", text: props.name})); }
  }

  function period(p) {
    if (!p) { return ""; }
    if (p.label) { return p.label; }
    var a = p.start.slice(0, 4), b = p.end.slice(0, 4);
    return a === b ? a : a + "–" + b;
  }

  function promiseState(p, S) {
    var text = period(p.period) + ", " + ((S.promise_states || {})[p.state] || p.state);
    if (p.state === "ended" && p.last_known) { text += " · " + (S.last_known || "") + " " + p.last_known.slice(0, 7); }
    return text;
  }

  /* The bar and its words: the colour never says more than these counts. */
  function progressBar(props) {
    var box = el("div", {"class": "progress"});
    var bar = el("div", {"class": "progress-bar", "aria-hidden": "true"});
    ((props.progress || {}).segments || []).forEach(function (seg) {
      var part = el("span", {"class": "progress-seg status-" + seg.status});
      part.style.flexGrow = String(seg.count);
      bar.appendChild(part);
    });
    box.appendChild(bar);
    box.appendChild(el("p", {"class": "progress-text", text: props.progress_text || ""}));
    return box;
  }

  function fillPanel(props, S) {
    var panel = document.getElementById("area-panel");
    if (!panel) { return; }
    panel.textContent = "";
    var heading = el("h2", {text: props.name, tabindex: "-1", "class": "panel-title"});
    panel.appendChild(heading);
    panel.appendChild(el("p", {text: props.municipality.name + (S.municipality_suffix || "")}));
    if (props.year) { panel.appendChild(el("p", {"class": "as-of", text: (S.as_of || "") + " " + props.as_of})); }
    if (props.approximation) { panel.appendChild(el("p", {"class": "note", text: S.approximation || ""})); }
    var shown = props.current_promise || props.last_promise;
    if (props.current_promise) {
      panel.appendChild(el("h3", {text: S.in_force || ""}));
    } else if (props.last_promise) {
      panel.appendChild(el("p", {}, [el("strong", {text: S.none_in_force || ""})]));
      panel.appendChild(el("h3", {text: S.last_promise || ""}));
    } else {
      panel.appendChild(el("p", {"class": "unknown", text: S.no_promise || ""}));
    }
    if (shown) {
      panel.appendChild(el("p", {}, [el("a", {href: "/promise/" + encodeURIComponent(shown.slug), text: shown.title}),
                                     document.createTextNode(" (" + promiseState(shown, S) + ")")]));
      if (props.progress && props.progress.total) { panel.appendChild(progressBar(props)); }
      var list = el("ul", {"class": "panel-commitments"});
      (props.commitments || []).forEach(function (c) {
        var key = c.key.split("/");
        list.appendChild(el("li", {}, [
          el("span", {"class": "status status-" + c.status, text: (S.status_labels || {})[c.status] || c.status}),
          document.createTextNode(" "),
          el("a", {href: "/promise/" + encodeURIComponent(key[0]) + "/commitment/" + encodeURIComponent(key[1]),
                   text: c.title})]));
      });
      if (list.childNodes.length) { panel.appendChild(list); }
      if (props.current_promise) {
        panel.appendChild(el("p", {text: props.next_due ? (S.next_due || "") + " " + props.next_due
                                                          : (S.no_next_due || "")}));
      }
    }
    var earlier = (props.promises || []).filter(function (p) { return !shown || p.slug !== shown.slug; });
    if (earlier.length) {
      var history = el("ul", {"class": "panel-promises"});
      earlier.forEach(function (p) {
        history.appendChild(el("li", {}, [el("a", {href: "/promise/" + encodeURIComponent(p.slug), text: p.title}),
                                          document.createTextNode(" (" + promiseState(p, S) + ")")]));
      });
      panel.appendChild(el("h3", {text: S.promises || ""}));
      panel.appendChild(history);
    }
    if ((props.camera_sites || []).length) {
      panel.appendChild(el("h3", {text: S.camera || ""}));
      var cams = el("ul", {"class": "panel-camera"});
      props.camera_sites.forEach(function (c) {
        cams.appendChild(el("li", {text: c.name + " · " + c.status_label + (c.when ? " · " + c.when : "")}));
      });
      panel.appendChild(cams);
    }
    panel.appendChild(el("p", {}, [el("a", {"class": "panel-link", href: "/area/" + encodeURIComponent(props.slug),
                                            text: (S.open_area || "") + " " + props.name})]));
    var close = el("button", {type: "button", "class": "panel-close", "aria-label": S.close || "Stäng", text: "×"});
    close.addEventListener("click", function () { closePanel(); });
    panel.insertBefore(close, panel.firstChild);
    panel.classList.add("open");
    heading.focus({preventScroll: true});
    /* On a phone the panel is a sheet over the lower part of the map; on a wide screen it sits beside it.
       Either way the answer is where the eye is. */
    if (!window.matchMedia("(max-width: 800px)").matches) {
      var box = panel.getBoundingClientRect();
      if (box.top < 0 || box.top > window.innerHeight - 80) { panel.scrollIntoView({block: "start"}); }
    }
  }

  function closePanel() {
    var panel = document.getElementById("area-panel");
    if (panel) { panel.classList.remove("open"); }
    select(null);
  }

  var highlighted = null, marker = null;

  /* The chosen area is marked by a class (styled in app.css), so that Folium's hover reset cannot unmark it. */
  function select(layer) {
    var path = highlighted && highlighted.getElement && highlighted.getElement();
    if (path) { path.classList.remove("is-selected"); }
    highlighted = layer;
    path = layer && layer.getElement && layer.getElement();
    if (path) { path.classList.add("is-selected"); }
    if (layer && layer.bringToFront) { layer.bringToFront(); }
  }

  /* Zoom to an area, mark it, and answer in the panel: what a tap, a search hit or "my location" does. */
  function showArea(layer, S, zoom) {
    select(layer);
    fillPanel(layer.feature.properties, S);  // first: on a phone the sheet's height decides where the area fits
    if (window.matchMedia("(max-width: 800px)").matches) {
      /* The map to the top of the screen, so the area has the room above the sheet. */
      var top = layer._map.getContainer().getBoundingClientRect().top;
      if (Math.abs(top) > 4) { window.scrollBy(0, top); }
    }
    if (zoom !== false) { zoomTo(layer._map, layer.getBounds()); }
  }

  function markPoint(map, lon, lat) {
    if (marker) { marker.remove(); }
    marker = L.circleMarker([lat, lon], {radius: 9, color: "#ffffff", weight: 3, fillColor: "#0b5cad",
                                          fillOpacity: 1, className: "location-marker"}).addTo(map);
    return marker;
  }

  function cameraText(props, S) {
    var parts = [props.name, props.status_label, props.precision_label];
    parts.push(props.decided || props.date_label || S.unknown_date || "");
    return parts.filter(Boolean).join(" · ");
  }

  function cameraPopup(props, S) {
    var box = el("div", {"class": "camera-popup"});
    box.appendChild(el("strong", {text: props.name}));
    box.appendChild(el("p", {text: (S.decided || "") + " " + (props.decided || props.date_label || S.unknown_date || "")}));
    box.appendChild(el("p", {text: (S.status || "") + " " + props.status_label + " · " + (S.precision || "") + " " + props.precision_label}));
    if (props.location_note) { box.appendChild(el("p", {"class": "note", text: props.location_note})); }
    var source = props.source || {};
    if (/^https?:\/\//i.test(source.url || "")) {  // only web links: never javascript: or data:
      box.appendChild(el("a", {href: source.url, rel: "noopener noreferrer", text: source.title || source.url}));
    } else if (source.title || source.url) {
      box.appendChild(el("p", {text: source.title || source.url}));
    }
    return box;
  }

  /* After the first frame that shows the map: work only a pointer, a keyboard or a screen reader needs
     (labels, tooltips, popups, focus) waits for it, so a phone draws the polygons first. */
  function afterPaint(fn) {
    var done = false;
    function run() { if (!done) { done = true; fn(); } }
    if (window.requestAnimationFrame && !document.hidden) {
      requestAnimationFrame(function () { setTimeout(run, 0); });  /* the frame's callbacks run before its paint */
    }
    setTimeout(run, 1500);  /* a hidden tab has no frames */
  }

  /* The map's data: the fetch the map script started for a page that names its URL, else the page's own block. */
  function mapData() {
    return window.LofteskartanFeatures || Promise.resolve(json("map-features"));
  }

  function wire(cfg) {
    var S = json("map-strings"), F = {};
    function propsOf(key, layer) {  /* without the map's data (its fetch failed) an area is named by its slug */
      return (F[key] || {})[layer.feature.id] ||
        Object.assign({slug: layer.feature.id, name: layer.feature.id}, layer.feature.properties);
    }
    var map = cfg.map, main = !cfg.options.small && !!(cfg.layers.areas || cfg.options.remote);
    window.lofteskartanMap = map;
    document.dispatchEvent(new CustomEvent("lofteskartan:map", {detail: map}));  /* area_dialogue.js waits for it */
    /* A shared link's view first, so the first frame (and a national map's first fetch) is the one linked. */
    if (main) { viewFromUrl(map); }
    (cfg.options.attributions || []).forEach(function (a) { map.attributionControl.addAttribution(a); });
    var byslug = {}, labels = L.layerGroup().addTo(map);
    function bindArea(layer, props) {
      layer.feature.properties = props;
      byslug[props.slug] = layer;
      layer.bindTooltip(el("span", {text: props.name + (props.summary_status ? " – " + ((S.summary_labels || {})[props.summary_status] || "") : "")}), {sticky: true});
      if (props.label_point) { addLabel(labels, props); }
      if (cfg.options.small) { return; }
      layer.on("click", function (e) { L.DomEvent.stopPropagation(e); showArea(layer, S); });
      var path = layer.getElement && layer.getElement();
      if (path) {
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", props.name);
        path.setAttribute("data-slug", props.slug);
        path.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showArea(layer, S); }
        });
      }
    }
    foldLayerList(map, cfg.control, S);
    mapData().then(function (data) { F = data; bindAll(); });
    function bindAll() {
      if (cfg.options.remote) {
        remoteAreas(map, window[(cfg.options.groups || {}).areas], cfg.options, F.municipalities || [], labels,
                    bindArea, function () { Object.keys(byslug).forEach(function (k) { delete byslug[k]; }); });
      }
      afterPaint(function () {
        if (cfg.layers.areas) {
          cfg.layers.areas.eachLayer(function (layer) { bindArea(layer, propsOf("areas", layer)); });
          window.Lofteskartan.afterLoad();  /* a place found before the areas were bound (locate.js) opens now */
        }
        ["camera", "camera_areas"].forEach(function (key) {
          if (!cfg.layers[key]) { return; }
          cfg.layers[key].eachLayer(function (layer) {
            /* An outline drawn from an area's own geometry stands for every camera site over that area. */
            var sites = key === "camera" ? [propsOf("camera", layer)]
              : layer.feature.properties.sites.map(function (slug) { return (F.camera || {})[slug]; }).filter(Boolean);
            if (!sites.length) { return; }
            layer.bindTooltip(el("span", {text: sites.map(function (p) { return cameraText(p, S); }).join(" | ")}),
                              {sticky: true});
            layer.bindPopup(function () {
              var box = el("div");
              sites.forEach(function (p) { box.appendChild(cameraPopup(p, S)); });
              return box;
            });
          });
        });
        ["est", "lagesbild"].forEach(function (key) {
          if (!cfg.layers[key]) { return; }
          cfg.layers[key].eachLayer(function (layer) {
            var props = propsOf(key, layer);
            var text = key === "est" ? props.name + " – " + (S.est || "EST")
                                     : props.name + " – " + ((props.lagesbild || {}).category_label || "") + " (" + ((props.lagesbild || {}).year || "") + ")";
            layer.bindTooltip(el("span", {text: text}), {sticky: true});
          });
        });
        document.querySelectorAll("[data-open-area]").forEach(function (button) {
          button.addEventListener("click", function () {
            var layer = byslug[button.getAttribute("data-open-area")];
            if (layer) { showArea(layer, S); }
          });
        });
        if (main) {
          if (!cfg.options.remote) { addOverviewDots(map, cfg.layers.areas, S); }
          map.on("click", function (e) {
            if (window.LofteskartanLocate) { window.LofteskartanLocate.lookup(e.latlng.lng, e.latlng.lat); }
          });
          keepViewInUrl(map, cfg.options.groups || {});
        }
        /* Everything bound: tests (and anything else) can wait for this instead of guessing. */
        map.getContainer().setAttribute("data-map-ready", "");
      });
    }
    window.Lofteskartan.layers = byslug;
    window.Lofteskartan.focusPoint = function (lon, lat, slug) {
      markPoint(map, lon, lat);
      if (slug && byslug[slug]) { showArea(byslug[slug], S); return; }
      map.setView([lat, lon], Math.max(map.getZoom(), 14), {animate: !reducedMotion});
      if (slug) { pendingFocus = slug; }
    };
    window.Lofteskartan.afterLoad = function () {
      if (pendingFocus && byslug[pendingFocus]) { showArea(byslug[pendingFocus], S, false); pendingFocus = null; }
    };
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closePanel(); } });
  }

  /* The layer list arrives folded (opening it while the page loads would measure the whole page). On a phone it
     stays folded: opened by its button, closed by a tap on the map, and layers added later (remote areas,
     background) do not open it again. On a wide screen it is opened once the map is drawn, and stays open. */
  function foldLayerList(map, control, S) {
    if (!control || !control.getContainer) { return; }
    var container = control.getContainer();
    var toggle = container.querySelector(".leaflet-control-layers-toggle");
    if (toggle) { toggle.title = S.map_layers || toggle.title; toggle.setAttribute("aria-label", toggle.title); }
    if (window.matchMedia("(max-width: 800px)").matches) { return; }
    afterPaint(function () {
      control.options.collapsed = false;
      L.DomEvent.off(container, {mouseenter: control._expandSafely, mouseleave: control.collapse}, control);
      map.off("click", control.collapse, control);
      control.expand();
    });
  }

  var pendingFocus = null;

  /* A national map: the areas in view come from the API by bbox (simplified for the zoom, reused by the
     browser's cache), and below minZoom one dot per municipality stands for its areas. */
  function remoteAreas(map, group, options, municipalities, labels, bind, reset) {
    var remote = options.remote, colours = options.colours || {}, requested = null;
    var layer = L.geoJSON(null, {style: function (f) {
      return {color: "#1f2933", weight: 2, fillColor: colours[f.properties.summary_status] || colours.ej_bedomd,
              fillOpacity: 0.55, className: "area-shape"};
    }});
    var dots = L.layerGroup();
    municipalities.forEach(function (m) {
      var dot = L.circleMarker([m.centre[1], m.centre[0]], {radius: 10, color: "#1f2933", weight: 2,
        fillColor: "#ffffff", fillOpacity: 1, className: "municipality-dot municipality-dot-" + m.code});
      dot.bindTooltip(el("span", {text: m.name + " (" + m.area_count + ")"}), {direction: "right"});
      dot.on("click", function () {
        map.fitBounds([[m.bbox[1], m.bbox[0]], [m.bbox[3], m.bbox[2]]], {animate: !reducedMotion});
      });
      dots.addLayer(dot);
    });
    (group || map).addLayer(layer);
    function cell(zoom) { return zoom >= 13 ? 0.05 : zoom >= 11 ? 0.25 : 1; }
    function update() {
      var zoom = map.getZoom();
      if (zoom < remote.minZoom) {
        layer.clearLayers(); labels.clearLayers(); reset(); requested = null;
        dots.addTo(map);
        return;
      }
      dots.remove();
      var b = map.getBounds(), c = cell(zoom);
      var box = [Math.floor(b.getWest() / c) * c, Math.floor(b.getSouth() / c) * c,
                 Math.ceil(b.getEast() / c) * c, Math.ceil(b.getNorth() / c) * c].map(function (v) { return +v.toFixed(4); });
      var url = remote.url + "?bbox=" + box.join(",") + "&zoom=" + zoom + (remote.year ? "&year=" + remote.year : "");
      if (url === requested) { return; }
      requested = url;
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data || url !== requested) { return; }
        layer.clearLayers(); labels.clearLayers(); reset();
        layer.addData(data);
        afterPaint(function () {
          if (url !== requested) { return; }  /* the map moved on: those layers are gone */
          layer.eachLayer(function (l) { bind(l, l.feature.properties); });
          if (window.Lofteskartan.afterLoad) { window.Lofteskartan.afterLoad(); }
        });
      });
    }
    map.on("moveend", update);
    update();
  }

  /* At national zoom the districts are a few pixels wide: one dot per municipality keeps them
     findable, and a click zooms to that municipality's areas. */
  function addOverviewDots(map, areas, S) {
    var dots = L.layerGroup(), groups = {};
    areas.eachLayer(function (layer) {
      var m = layer.feature.properties.municipality;
      if (!m) { return; }  // a map without the page's JSON block (no names): no dots
      (groups[m.code] = groups[m.code] || {name: m.name, layers: []}).layers.push(layer);
    });
    Object.keys(groups).forEach(function (code) {
      var g = groups[code], bounds = L.latLngBounds([]);
      g.layers.forEach(function (l) { bounds.extend(l.getBounds()); });
      var dot = L.circleMarker(bounds.getCenter(), {radius: 12, color: "#1f2933", weight: 2, fillColor: "#ffffff",
                                                     fillOpacity: 1, className: "municipality-dot municipality-dot-" + code});
      var names = g.layers.map(function (l) { return l.feature.properties.name; }).join(", ");
      dot.bindTooltip(el("span", {text: g.name + ": " + names}), {permanent: true, direction: "right", className: "municipality-label"});
      dot.on("click", function () { zoomTo(map, bounds); });
      dots.addLayer(dot);
    });
    function update() {
      var far = map.getZoom() < 10;
      map.getContainer().classList.toggle("zoomed-out", far);
      if (far && map.hasLayer(areas)) { dots.addTo(map); } else { dots.remove(); }
    }
    map.on("zoomend overlayadd overlayremove", update);
    update();
  }

  /* The map view (centre, zoom, layers) lives in the URL, so a link shows what its sender saw: read at once
     (inline areas or a national map alike), written back as the map moves. */
  function viewFromUrl(map) {
    var match = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (match) { map.setView([parseFloat(match[2]), parseFloat(match[3])], parseInt(match[1], 10), {animate: false}); }
  }

  function keepViewInUrl(map, groups) {
    function layersOn() {
      var on = Object.keys(groups).filter(function (k) { return window[groups[k]] && map.hasLayer(window[groups[k]]); });
      var regso = window.Lofteskartan.backgroundLayer;  /* listed by background() below, under the server's name */
      return regso && map.hasLayer(regso) ? on.concat(["regso"]) : on;
    }
    function write() {
      var c = map.getCenter(), url = new URL(window.location.href);
      url.searchParams.set("layers", layersOn().join(","));
      url.hash = map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      window.history.replaceState(null, "", url.toString());
    }
    map.on("moveend overlayadd overlayremove", write);
  }

  /* The national background layer (static/js/background.js): listed in the layer control at once, its
     script loaded only when the layer is shown (asked for in the URL, or switched on), so a map that does not
     show it never waits for it. */
  var BACKGROUND_LABEL = {sv: "Statistikområden (SCB RegSO)", en: "Statistical areas (SCB RegSO)"};

  function background(cfg) {
    var map = cfg.map, options = cfg.options || {}, group = L.layerGroup(), requested = false;
    window.Lofteskartan.backgroundLayer = group;
    function load() {
      if (requested) { return; }
      requested = true;
      map.off("overlayadd", onAdd);
      var script = document.createElement("script");
      script.src = options.script;
      script.onload = function () {
        window.LofteskartanBackground.attach({map: map, control: cfg.control, group: group, options: options});
      };
      script.onerror = function () {  /* optional: the promise map works without it */
        map.getContainer().setAttribute("data-background-state", "error");
      };
      document.head.appendChild(script);
    }
    function onAdd(e) { if (e.layer === group) { load(); } }
    if (cfg.control && cfg.control.addOverlay) {
      var label = BACKGROUND_LABEL[(document.documentElement.lang || "sv").slice(0, 2)] || BACKGROUND_LABEL.sv;
      cfg.control.addOverlay(group, el("span", {text: label}).outerHTML);
    }
    if (options.show) {
      group.addTo(map);
      load();
    } else {
      map.on("overlayadd", onAdd);
    }
  }

  window.Lofteskartan = {wire: wire, fillPanel: fillPanel, background: background};
  /* The map's script queued its calls before this file arrived (it is fetched once the map is drawn):
     run them in order, and any later call at once. */
  var queued = window.LofteskartanQueue || [];
  window.LofteskartanQueue = {push: function (call) { window.Lofteskartan[call[0]](call[1]); }};
  for (var i = 0; i < queued.length; i += 1) { window.LofteskartanQueue.push(queued[i]); }
}());
