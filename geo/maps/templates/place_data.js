{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
<style media="print">{{ this.print_css }}</style>
{% endmacro %}
{% macro html(this, kwargs) %}
{# JSON in a data element: the browser parses it several times faster than the same data as a
   JavaScript literal (14 MB for 100k mentions). #}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.payload }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geoMapRuntime.create(
  {{ this._parent.get_name() }},
  JSON.parse(document.getElementById({{ (this.get_name() ~ "_data")|script_json }}).textContent),
  {{ this.config|script_json }}
);
{% endmacro %}
