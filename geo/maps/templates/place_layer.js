{% macro script(this, kwargs) %}
{{ this.data.get_name() }}.addPlaces({{ this._parent.get_name() }}, {{ this.role|script_json }});
{% endmacro %}
