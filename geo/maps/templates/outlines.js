{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON(geoMapRuntime.sharedData({{ this.data_id|script_json }}), {
  interactive: false,
  attribution: {{ this.attribution|script_json }},
  {# A PDF keeps the outlines as vectors (SVG); on screen a canvas draws the world faster. #}
  renderer: window.__geoSnapshot && window.__geoSnapshot.vector ? L.svg() : L.canvas(),
  style: {{ this.style|script_json }}
});
{% endmacro %}
