{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.data.get_name() }}.heatLayer({{ this.role|script_json }});
{% endmacro %}
