/* Löfteskartan: the national background layer (all SCB RegSO 2025 areas) under the promise areas.
   The areas in view are fetched from this site (/api/background.geojson, same origin, so it works
   offline) whenever the map stops moving, simplified on the server for the zoom. They are drawn on
   one canvas in a pane below the promise areas; names become tooltip text through textContent,
   never HTML. Below options.minZoom nothing is drawn or fetched. The page script (lofteskartan.js) lists
   the layer and loads this file only when the layer is shown, handing over the group it listed (the
   layer's label lives there). */
(function () {
  "use strict";

  /* Zoom bands as in mapapp/national.py (BANDS), and the grid each band's request bbox is snapped to,
     so small pans reuse the answer already drawn and repeated views hit the HTTP cache. */
  var BANDS = [
    {min: 0, max: 6, cell: 16, weight: 0.5},
    {min: 7, max: 8, cell: 4, weight: 0.6},
    {min: 9, max: 10, cell: 1, weight: 0.8},
    {min: 11, max: 99, cell: 0.25, weight: 1}
  ];
  var PANE = "lofteskartanBackground";

  function bandOf(zoom) {
    for (var i = 0; i < BANDS.length; i += 1) {
      if (zoom >= BANDS[i].min && zoom <= BANDS[i].max) { return i; }
    }
    return BANDS.length - 1;
  }

  function snap(bounds, cell) {
    function down(v) { return Math.floor(v / cell) * cell; }
    function up(v) { return Math.ceil(v / cell) * cell; }
    return [Math.max(-180, down(bounds.getWest())), Math.max(-90, down(bounds.getSouth())),
            Math.min(180, up(bounds.getEast())), Math.min(90, up(bounds.getNorth()))];
  }

  function contains(box, bounds) {
    return box && bounds.getWest() >= box[0] && bounds.getSouth() >= box[1] &&
           bounds.getEast() <= box[2] && bounds.getNorth() <= box[3];
  }

  function escapeText(text) {
    var node = document.createElement("span");
    node.textContent = text;
    return node.innerHTML;
  }

  function tooltipNode(feature) {
    var node = document.createElement("span");
    node.className = "background-area-name";
    node.textContent = (feature.properties.name || "") + " (" + feature.id + ")";
    return node;
  }

  function attach(cfg) {
    var map = cfg.map, options = cfg.options || {};
    var minZoom = typeof options.minZoom === "number" ? options.minZoom : 4;
    var container = map.getContainer();
    if (!map.getPane(PANE)) {
      var pane = map.createPane(PANE);
      pane.style.zIndex = 350;  /* above tiles (200), below the promise areas (overlayPane, 400) */
    }
    var renderer = L.canvas({pane: PANE, padding: 0.2});
    /* Off unless asked for (?layers=…,regso or the layer control): a phone should not fetch and draw
       thousands of statistical areas before the promise areas it came for. */
    var group = cfg.group;  /* listed in the layer control by the page script, on the map when shown */
    var shown = null;  /* {band, box} of what is drawn */
    var pending = null, pendingUrl = null, attributed = false;

    function state(value) { container.setAttribute("data-background-state", value); }

    function draw(data, band, box) {
      group.clearLayers();
      var interactive = band >= 2;  /* names on hover only once the areas are big enough to point at */
      var layer = L.geoJSON(data, {
        pane: PANE, renderer: renderer, interactive: interactive,
        style: function () {
          return {color: "#52606d", weight: BANDS[band].weight, opacity: 0.55, fill: interactive,
                  fillOpacity: 0, className: "background-area"};
        },
        onEachFeature: function (feature, lyr) {
          if (interactive) { lyr.bindTooltip(tooltipNode(feature), {sticky: true, className: "background-tooltip"}); }
        }
      });
      group.addLayer(layer);
      shown = {band: band, box: box};
      if (!attributed && data.loaded !== false && data.attribution && map.attributionControl) {
        map.attributionControl.addAttribution(escapeText(data.attribution));
        attributed = true;
      }
      container.setAttribute("data-background-count", String((data.features || []).length));
      state(data.loaded === false ? "empty" : "loaded");
    }

    function update() {
      if (!map.hasLayer(group) || map.getZoom() < minZoom) {
        if (pending) { pending.abort(); pending = null; }
        group.clearLayers();
        shown = null;
        state("off");
        return;
      }
      var band = bandOf(map.getZoom()), view = map.getBounds();
      if (shown && shown.band === band && contains(shown.box, view)) { return; }
      var box = snap(view, BANDS[band].cell);
      var url = options.url + "?bbox=" + box.map(function (v) { return String(+v.toFixed(6)); }).join(",") +
                "&zoom=" + BANDS[band].min;
      if (pending && pendingUrl === url) { return; }  /* zoomend and moveend both fire for one zoom */
      if (pending) { pending.abort(); }
      var controller = window.AbortController ? new AbortController() : null;
      pending = controller;
      pendingUrl = url;
      state("loading");
      fetch(url, {credentials: "same-origin", signal: controller ? controller.signal : undefined})
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (data) {
          if (pending !== controller) { return; }
          pending = null;
          if (map.hasLayer(group) && bandOf(map.getZoom()) === band) { draw(data, band, box); }
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") { return; }
          pending = null;
          state("error");  /* the background is optional: the promise map works without it */
        });
    }

    map.on("moveend zoomend overlayadd overlayremove", update);
    update();  /* loaded when the layer was shown: draw what is in view now */
    window.LofteskartanBackground.layer = group;
  }

  window.LofteskartanBackground = {attach: attach};
}());
