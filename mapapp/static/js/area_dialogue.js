/* Löfteskartan: the grid cells of the area's dialogue results on its small map, each with its count.
   Only cells with at least the minimum count ever reach the page (the server leaves out the rest). */
(function () {
  "use strict";

  /* Loaded deferred; the map is handed over when the page script (fetched after the map is drawn) runs. */
  function draw(map) {
    var node = document.getElementById("dialogue-cells");
    if (!node || !map || !window.L) { return; }
    var cells = JSON.parse(node.textContent);
    if (!cells.length) { return; }
    L.geoJSON({type: "FeatureCollection", features: cells.map(function (c) {
      return {type: "Feature", properties: {count: c.count}, geometry: c.geometry};
    })}, {
      interactive: false,
      style: function () { return {color: "#111111", weight: 1, fillColor: "#b2182b", fillOpacity: 0.4}; },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(String(f.properties.count), {permanent: true, direction: "center", className: "cell-count"});
      }
    }).addTo(map);
  }
  if (window.lofteskartanMap) { draw(window.lofteskartanMap); } else {
    document.addEventListener("lofteskartan:map", function (e) { draw(e.detail); }, {once: true});
  }
}());
