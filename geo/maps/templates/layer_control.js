{% macro script(this, kwargs) %}
var {{ this.get_name() }}_layers = {
  base_layers: {
{% for key, val in this.base_layers.items() %}
    {{ key|script_json }}: {{ val }},
{% endfor %}
  },
  overlays: {
{% for key, val in this.overlays.items() %}
    {{ key|script_json }}: {{ val }},
{% endfor %}
  }
};
{# Folded on a narrow map (a report column, a phone): the reader opens it with a tap. #}
var {{ this.get_name() }} = L.control.layers(
  {{ this.get_name() }}_layers.base_layers,
  {{ this.get_name() }}_layers.overlays,
  {
    position: {{ this.options.position|script_json }},
    autoZIndex: true,
    collapsed: geoMapRuntime.compact({{ this._parent.get_name() }})
  }
).addTo({{ this._parent.get_name() }});
{% endmacro %}
