{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.geojson }}, {
  interactive: false,
  attribution: {{ this.attribution|script_json }},
  renderer: L.canvas(),
  style: {{ this.style|script_json }}
});
{% endmacro %}
