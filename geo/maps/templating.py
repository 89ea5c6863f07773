"""The Jinja environment of the map templates (``geo/maps/templates``).

HTML templates (``*.html``) autoescape, so document text and user titles reach the page as text.
The JavaScript and CSS templates (``*.js``, ``*.css``) hold folium macros and scoped styles; every
value they take from data passes through :func:`script_json`, which escapes what could end the script
element, and keeps Arabic as UTF-8 (three times smaller than ``\\u`` escapes).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

#: What could end a ``<script>`` element or start an HTML comment in it, and the two line separators
#: old JavaScript engines reject in strings; replaced one by one (faster than ``str.translate``).
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_json(value: Any) -> Markup:
    """``value`` as compact JSON that is safe inside an HTML ``<script>`` element."""
    return Markup(escape_for_script(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)))


def escape_for_script(text: str) -> str:
    """JSON text made safe to sit inside a ``<script>`` element (still the same JSON value)."""
    for raw, escaped in _SCRIPT_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("geo.maps", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    return env


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``."""
    return environment().get_template(name).render(**context)
