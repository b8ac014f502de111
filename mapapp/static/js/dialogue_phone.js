/* Löfteskartan: marking an unsafe place on the area's map from a phone. A tap (or "choose the map's
   centre", for keyboards and screen readers) fills two hidden fields that go with the answers; the server
   keeps only the grid cell the point falls in. Also: at most three problems can be ticked. */
(function () {
  "use strict";

  var node = document.getElementById("phone-map-data"), box = document.getElementById("place-map");
  var cfg = node ? JSON.parse(node.textContent) : null;
  var lon = document.getElementById("place-lon"), lat = document.getElementById("place-lat");
  var status = document.getElementById("place-status");
  var centre = document.getElementById("place-centre"), clear = document.getElementById("place-clear");

  function limitThemes() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=themes]"));
    function update() {
      var full = boxes.filter(function (b) { return b.checked; }).length >= 3;
      boxes.forEach(function (b) { b.disabled = full && !b.checked; });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  function placeMap() {
    if (!cfg || !cfg.geometry || !box || !window.L) { if (box) { box.hidden = true; } return; }
    var map = L.map(box, {zoomSnap: 0.25, keyboard: true});
    window.dialoguePhoneMap = map;
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles.url, {attribution: cfg.tiles.attribution || "", maxZoom: 19}).addTo(map);
    }
    var area = L.geoJSON(cfg.geometry, {interactive: false, style: {color: "#1f2933", weight: 3, fillColor: "#0b5cad", fillOpacity: 0.1}}).addTo(map);
    if (cfg.cell) {
      L.geoJSON(cfg.cell, {interactive: false, style: {color: "#111111", weight: 2, dashArray: "4 4", fillColor: "#b2182b", fillOpacity: 0.25}})
        .bindTooltip(cfg.strings.had, {permanent: false}).addTo(map);
    }
    map.fitBounds(area.getBounds(), {padding: [12, 12]});
    var marker = null;

    function mark(latlng) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, {radius: 9, color: "#111111", weight: 3, fillColor: "#b2182b", fillOpacity: 0.9}).addTo(map); }
      status.textContent = cfg.strings.marked;
      clear.hidden = false;
    }

    map.on("click", function (e) { mark(e.latlng); });
    centre.hidden = false;
    centre.addEventListener("click", function () { mark(map.getCenter()); });
    clear.addEventListener("click", function () {
      lon.value = ""; lat.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      status.textContent = cfg.strings.cleared;
      clear.hidden = true;
    });
  }

  limitThemes();
  placeMap();
  var saved = document.getElementById("saved") || document.getElementById("error-summary");
  if (saved) { saved.focus(); }
}());
