{# Counts per administrative unit (geo/maps/units.py): one circle a unit, its area proportional to
   the number of mentions, with the count as a permanent label and a popup by role. Every name goes
   into the page through textContent: nothing from the data is parsed as HTML. #}
{% macro header(this, kwargs) %}
{% set s = '.folium-map[id^="' ~ this._parent.get_name() ~ '"]' %}
<style>
{{ s }} .leaflet-tooltip.geo-unit-label { background: transparent; border: none; box-shadow: none; padding: 0; color: #2b1024; text-shadow: 0 0 2px #fff, 0 0 3px #fff; }
{{ s }} .leaflet-tooltip.geo-unit-label::before { display: none; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (map, units, labels) {
  var pane = map.getPane("geoUnits") || map.createPane("geoUnits");
  pane.style.zIndex = 450;  /* over the outlines (the overlay pane, 400), under the markers (600) */
  var group = L.featureGroup();
  var most = 1;
  units.forEach(function (u) { most = Math.max(most, u.total); });
  function line(parent, tag, text, className) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (className) { element.className = className; }
    parent.appendChild(element);
    return element;
  }
  units.forEach(function (u) {
    var radius = 6 + 24 * Math.sqrt(u.total / most);
    var circle = L.circleMarker([u.lat, u.lon], {
      pane: "geoUnits", radius: radius, color: "#7a3b64", weight: 1.5,
      fillColor: "#CC79A7", fillOpacity: 0.45, className: "geo-unit"
    });
    var label = document.createElement("span");
    label.textContent = String(u.total);
    label.setAttribute("data-pcode", u.pcode);
    label.className = "geo-unit-count";
    label.style.font = "bold 13px/1 sans-serif";
    /* Beside the circle, not on it: the place markers of the other layers sit on its centre. */
    circle.bindTooltip(label, {
      permanent: true, direction: "right", offset: [radius - 4, 0], className: "geo-unit-label", opacity: 1
    });
    var popup = document.createElement("div");
    popup.className = "geo-popup geo-unit-popup";
    popup.setAttribute("dir", "rtl");
    line(popup, "h3", u.name_ar, "geo-popup-name");
    line(popup, "div", u.name_en + " · " + u.pcode, "geo-popup-en");
    line(popup, "div", labels.total + ": " + u.total);
    var list = document.createElement("ul");
    labels.roles.forEach(function (role, i) {
      if (u.counts[i]) { line(list, "li", role + ": " + u.counts[i]); }
    });
    popup.appendChild(list);
    circle.bindPopup(popup, { className: "geo-leaflet-popup" });
    circle.addTo(group);
  });
  return group;
})({{ this._parent.get_name() }}, {{ this.units|script_json }}, {{ this.labels|script_json }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
