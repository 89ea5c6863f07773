{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.data.get_name() }}.referenceLayer();
{% if this.show %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endif %}
{% endmacro %}
