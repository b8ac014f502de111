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

  function strings() {
    var node = document.getElementById("map-strings");
    return node ? JSON.parse(node.textContent) : {};
  }

  function period(p) {
    return p ? p.start.slice(0, 4) + "–" + p.end.slice(0, 4) : "";
  }

  function fillPanel(props, S) {
    var panel = document.getElementById("area-panel");
    if (!panel) { return; }
    panel.textContent = "";
    var heading = el("h2", {text: props.name, tabindex: "-1", "class": "panel-title"});
    panel.appendChild(heading);
    panel.appendChild(el("p", {text: props.municipality.name + (S.municipality_suffix || "")}));
    if (props.approximation) { panel.appendChild(el("p", {"class": "note", text: S.approximation || ""})); }
    var list = el("ul", {"class": "panel-promises"});
    (props.promises || []).forEach(function (p) {
      list.appendChild(el("li", {}, [el("a", {href: "/promise/" + encodeURIComponent(p.slug), text: p.title}),
                                     document.createTextNode(" (" + period(p.period) + ")")]));
    });
    panel.appendChild(el("h3", {text: S.promises || "Medborgarlöften"}));
    panel.appendChild(list.childNodes.length ? list : el("p", {text: S.no_promise || ""}));
    if (props.current_promise) {
      panel.appendChild(el("h3", {text: (S.status_in || "") + " " + props.current_promise.title}));
      var counts = el("ul", {"class": "panel-counts"});
      Object.keys(props.status_counts).forEach(function (k) {
        var n = props.status_counts[k];
        if (n) {
          counts.appendChild(el("li", {}, [el("span", {"class": "status status-" + k, text: (S.status_labels || {})[k] || k}),
                                           document.createTextNode(" " + n)]));
        }
      });
      panel.appendChild(counts);
      panel.appendChild(el("p", {text: props.next_due ? (S.next_due || "") + " " + props.next_due
                                                        : (S.no_next_due || "")}));
      if (props.overdue_count) {
        panel.appendChild(el("p", {"class": "overdue", text: (S.overdue || "") + " " + props.overdue_count}));
      }
    }
    panel.appendChild(el("p", {}, [el("a", {"class": "panel-link", href: "/area/" + encodeURIComponent(props.slug),
                                            text: (S.open_area || "") + " " + props.name})]));
    heading.focus({preventScroll: true});
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
    box.appendChild(el("a", {href: props.source.url, rel: "noopener noreferrer", text: props.source.title}));
    return box;
  }

  function wire(cfg) {
    var S = strings();
    var map = cfg.map;
    window.lofteskartanMap = map;
    (cfg.options.attributions || []).forEach(function (a) { map.attributionControl.addAttribution(a); });
    var byslug = {};
    if (cfg.layers.areas) {
      cfg.layers.areas.eachLayer(function (layer) {
        var props = layer.feature.properties;
        byslug[props.slug] = layer;
        layer.bindTooltip(el("span", {text: props.name + (props.summary_status ? " – " + ((S.summary_labels || {})[props.summary_status] || "") : "")}), {sticky: true});
        if (cfg.options.small) { return; }
        layer.on("click", function () { fillPanel(props, S); });
        var path = layer.getElement && layer.getElement();
        if (path) {
          path.setAttribute("tabindex", "0");
          path.setAttribute("role", "button");
          path.setAttribute("aria-label", props.name);
          path.setAttribute("data-slug", props.slug);
          path.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fillPanel(props, S); }
          });
        }
      });
    }
    if (cfg.layers.camera) {
      cfg.layers.camera.eachLayer(function (layer) {
        var props = layer.feature.properties;
        layer.bindTooltip(el("span", {text: cameraText(props, S)}), {sticky: true});
        layer.bindPopup(cameraPopup(props, S));
      });
    }
    ["est", "lagesbild"].forEach(function (key) {
      if (!cfg.layers[key]) { return; }
      cfg.layers[key].eachLayer(function (layer) {
        var props = layer.feature.properties;
        var text = key === "est" ? props.name + " – " + (S.est || "EST")
                                 : props.name + " – " + ((props.lagesbild || {}).category_label || "") + " (" + ((props.lagesbild || {}).year || "") + ")";
        layer.bindTooltip(el("span", {text: text}), {sticky: true});
      });
    });
    document.querySelectorAll("[data-open-area]").forEach(function (button) {
      button.addEventListener("click", function () {
        var layer = byslug[button.getAttribute("data-open-area")];
        if (layer) { fillPanel(layer.feature.properties, S); map.fitBounds(layer.getBounds(), {maxZoom: 14}); }
      });
    });
    if (cfg.layers.areas && !cfg.options.small) { addOverviewDots(map, cfg.layers.areas, S); }
    window.Lofteskartan.layers = byslug;
  }

  /* At national zoom the districts are a few pixels wide: a dot per area keeps them findable. */
  function addOverviewDots(map, areas, S) {
    var dots = L.layerGroup();
    areas.eachLayer(function (layer) {
      var props = layer.feature.properties;
      var colour = layer.options.fillColor;
      var dot = L.circleMarker([props.label_point[1], props.label_point[0]],
                               {radius: 9, color: "#1f2933", weight: 2, fillColor: colour, fillOpacity: 1,
                                className: "area-dot area-dot-" + props.slug});
      dot.bindTooltip(el("span", {text: props.name}));
      dot.on("click", function () { fillPanel(props, S); map.fitBounds(layer.getBounds(), {maxZoom: 14}); });
      dots.addLayer(dot);
    });
    function update() {
      var far = map.getZoom() < 11;
      map.getContainer().classList.toggle("zoomed-out", far);
      if (far && map.hasLayer(areas)) { dots.addTo(map); } else { dots.remove(); }
    }
    map.on("zoomend overlayadd overlayremove", update);
    update();
  }

  window.Lofteskartan = {wire: wire, fillPanel: fillPanel};
}());
