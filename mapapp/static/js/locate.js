/* "Use my location" and map clicks: a point → the areas containing it, or the nearest one.
   Results are written as DOM text into #lookup-result (or the map's panel). */
(function () {
  "use strict";
  var S = {};
  try { S = JSON.parse(document.getElementById("map-strings").textContent); } catch (e) { S = {}; }

  function target() {
    return document.getElementById("lookup-result") || document.getElementById("area-panel");
  }

  function say(parts, keep) {
    var box = target();
    if (!box) { return; }
    if (!keep) { box.textContent = ""; }
    var p = document.createElement("p");
    p.className = "lookup-note";
    parts.forEach(function (part) {
      if (typeof part === "string") { p.appendChild(document.createTextNode(part)); return; }
      var a = document.createElement("a");
      a.href = part.href; a.textContent = part.text; a.className = "lookup-link";
      p.appendChild(a);
    });
    var heading = keep && box.querySelector("h2");
    if (heading) { heading.insertAdjacentElement("afterend", p); } else { box.appendChild(p); }
  }

  function km(m) {
    return (m / 1000).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "sv-SE",
                                     {maximumFractionDigits: 1});
  }

  function lookup(lon, lat, fromLocation) {
    return fetch("/api/point/" + lon.toFixed(6) + "," + lat.toFixed(6))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { say([data.error.message]); return data; }
        /* On the map: a marker, the area zoomed to and shown in the panel (a click on the map only marks). */
        if (fromLocation && window.Lofteskartan && window.Lofteskartan.focusPoint) {
          window.Lofteskartan.focusPoint(lon, lat, data.areas.length ? data.areas[0].slug : null);
        }
        var inPanel = !!(fromLocation && data.areas.length && window.Lofteskartan &&
                         window.Lofteskartan.layers[data.areas[0].slug]);
        if (data.areas.length) {
          var parts = [(S.you_are_in || "") + " "];
          data.areas.forEach(function (a, i) {
            if (i) { parts.push(", "); }
            parts.push({href: "/area/" + encodeURIComponent(a.slug), text: a.name});
          });
          parts.push(".");
          say(parts, inPanel);
        } else if (data.nearest) {
          say([S.outside || "", " ", S.nearest || "", " ",
               {href: "/area/" + encodeURIComponent(data.nearest.slug), text: data.nearest.name},
               ", " + km(data.nearest.distance_m) + " " + (S.km_away || "km")]);
        } else {
          say([S.outside || ""]);
        }
        return data;
      })
      .catch(function () { say([S.lookup_failed || ""]); });
  }

  function locate() {
    if (!navigator.geolocation) { say([S.geolocation_unavailable || ""]); return; }
    say([S.locating || ""]);
    navigator.geolocation.getCurrentPosition(
      function (pos) { lookup(pos.coords.longitude, pos.coords.latitude, true); },
      function () { say([S.geolocation_denied || ""]); },
      {enableHighAccuracy: false, timeout: 15000, maximumAge: 60000});
  }

  /* The button is sent disabled: without this script (not yet loaded on a slow phone, or no JavaScript at all)
     a tap could do nothing, so it says it cannot be used until it can. */
  document.querySelectorAll("[data-locate]").forEach(function (b) {
    b.addEventListener("click", locate);
    b.disabled = false;
  });
  /* A geocoder's hit: which area is that place in? */
  document.querySelectorAll("[data-lon][data-lat]").forEach(function (b) {
    b.addEventListener("click", function () { lookup(parseFloat(b.getAttribute("data-lon")), parseFloat(b.getAttribute("data-lat"))); });
  });
  window.LofteskartanLocate = {lookup: lookup, locate: locate};
}());
