"""Folium's custom elements for the app's maps: the hand-over to the page scripts, and layers drawn from the
area layer's geometry. Built by maps.py (the one place maps are made); no data text passes through them."""
from branca.element import MacroElement
from jinja2 import Template

from .assets import asset_url


class Wiring(MacroElement):
    """Hands the map and its layers to static/js/lofteskartan.js, which binds safe tooltips and the panel.

    The page script is fetched only now, once the polygons are drawn (it would otherwise share a phone's
    bandwidth with leaflet.js ahead of the first frame), and the map's data with it when the page names its
    URL (templates/_map_scripts.html); the calls wait in a queue the page script empties when it runs."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (window.LofteskartanQueue = window.LofteskartanQueue || []).push(["wire", {
            map: {{ this._parent.get_name() }},
            layers: { {% for key, layer in this.layers.items() %}{{ key|tojson }}: {{ layer.get_name() }},{% endfor %} },
            control: {{ this.control.get_name() if this.control else "null" }},
            options: {{ this.rendered_options()|tojson }}
        }]);
        (function (node) {  /* the map's data, when the page names its URL instead of carrying it */
            var src = node && node.getAttribute("data-src");
            if (src && !window.LofteskartanFeatures) {
                window.LofteskartanFeatures = fetch(src, {credentials: "same-origin"})
                    .then(function (r) { return r.ok ? r.json() : {}; })
                    .catch(function () { return {}; });  /* without it the map still draws; names wait */
            }
        })(document.getElementById("map-features"));
        (function (after) {  /* the page script, and the page's own scripts (map-after), each once */
            var sources = [{{ this.script_url()|tojson }}].concat(after ? JSON.parse(after.textContent) : []);
            sources.forEach(function (src) {
                if (document.querySelector('script[data-after-map="' + src + '"]')) { return; }
                var script = document.createElement("script");
                script.src = src;
                script.setAttribute("data-after-map", src);
                document.head.appendChild(script);
            });
        })(document.getElementById("map-after"));
        {% endmacro %}
    """)

    @staticmethod
    def script_url() -> str:
        return asset_url("/static/js/lofteskartan.js")

    def __init__(self, layers: dict, options: dict, groups: dict | None = None, control=None):
        super().__init__()
        self._name = "Wiring"
        self.layers, self.options, self.groups, self.control = layers, options, groups or {}, control

    def rendered_options(self) -> dict:
        """The options, with the layer groups' variable names taken at render time (after stable ids)."""
        return {**self.options, "groups": {k: g.get_name() for k, g in self.groups.items()}} if self.groups \
            else self.options


class ScaleBar(MacroElement):
    """Leaflet's scale control as an element of its own, so a map drawn in two frames adds it in the second."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale().addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class FromAreas(MacroElement):
    """A layer drawn from the geometry of the map's area layer, so no polygon is sent or parsed twice: for
    each area slug in picks, one feature per pick (its properties; styles[pick.style] its style), with the
    area's own geometry. Made after the first frame (see render_parts), like every layer but the areas."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(null, {style: function (feature) {
            return {{ this.styles|tojson }}[feature.properties.style];
        }});
        (function (picks) {
            {{ this.areas.get_name() }}.eachLayer(function (area) {
                (picks[area.feature.id] || []).forEach(function (pick) {
                    {{ this.get_name() }}.addData({type: "Feature", id: area.feature.id, properties: pick,
                                                  geometry: area.feature.geometry});
                });
            });
        })({{ this.picks|tojson }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, areas, picks: dict, styles: dict):
        super().__init__()
        self._name = "FromAreas"
        self.areas, self.picks, self.styles = areas, picks, styles


class PresenterWiring(MacroElement):
    """Hands the presenter's map and its area layer to static/js/present.js (names come from the page's JSON)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.Presenter && window.Presenter.wire({
            map: {{ this._parent.get_name() }},
            areas: {{ this.layer.get_name() }},
            options: {{ this.options|tojson }}
        });
        {% endmacro %}
    """)

    def __init__(self, layer, options: dict):
        super().__init__()
        self._name = "PresenterWiring"
        self.layer, self.options = layer, options


class BackgroundLayer(MacroElement):
    """Hands the map to the page script, which lists the national background layer (SCB RegSO) in the layer
    control and loads static/js/background.js only when the layer is shown (it then fetches the areas from
    /api/background.geojson by bounding box as the map moves), so a map that does not show it never waits
    for it. No area data passes through Folium: the options are constants, and names reach the page as
    tooltip text made by the script."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (window.LofteskartanQueue = window.LofteskartanQueue || []).push(["background", {
            map: {{ this._parent.get_name() }},
            control: {{ this.control.get_name() if this.control else "null" }},
            options: {{ this.options|tojson }}
        }]);
        {% endmacro %}
    """)

    def __init__(self, options: dict, control):
        super().__init__()
        self._name = "BackgroundLayer"
        self.options, self.control = options, control  # named at render time, after the ids are made stable
