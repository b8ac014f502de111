/* "Use my location" and map clicks: a point → the areas containing it, or the nearest one.
   Results are written as DOM text into #lookup-result (or the map's panel). */
(function () {
  "use strict";
  var S = {};
  try { S = JSON.parse(document.getElementById("map-strings").textContent); } catch (e) { S = {}; }

  function target() {
    return document.getElementById("lookup-result") || document.getElementById("area-panel");
  }

  function say(parts) {
    var box = target();
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    parts.forEach(function (part) {
      if (typeof part === "string") { p.appendChild(document.createTextNode(part)); return; }
      var a = document.createElement("a");
      a.href = part.href; a.textContent = part.text; a.className = "lookup-link";
      p.appendChild(a);
    });
    box.appendChild(p);
  }

  function km(m) {
    return (m / 1000).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "sv-SE",
                                     {maximumFractionDigits: 1});
  }

  function lookup(lon, lat) {
    return fetch("/api/point/" + lon.toFixed(6) + "," + lat.toFixed(6))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { say([data.error.message]); return data; }
        if (data.areas.length) {
          var parts = [(S.you_are_in || "") + " "];
          data.areas.forEach(function (a, i) {
            if (i) { parts.push(", "); }
            parts.push({href: "/area/" + encodeURIComponent(a.slug), text: a.name});
          });
          parts.push(".");
          say(parts);
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
      function (pos) { lookup(pos.coords.longitude, pos.coords.latitude); },
      function () { say([S.geolocation_denied || ""]); },
      {enableHighAccuracy: false, timeout: 15000, maximumAge: 60000});
  }

  document.querySelectorAll("[data-locate]").forEach(function (b) { b.addEventListener("click", locate); });
  window.LofteskartanLocate = {lookup: lookup, locate: locate};
}());
