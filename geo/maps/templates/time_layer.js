{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
{{ this.data.get_name() }}.timeLayer({{ this.get_name() }}, {{ this.options|script_json }});
{% if this.show %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endif %}
{% endmacro %}
