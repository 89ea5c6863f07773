{% macro script(this, kwargs) %}
{{ this.data.get_name() }}.quietTiles({{ this.tiles.get_name() }}, {{ this.fallback.get_name() }});
{% endmacro %}
