"""Make a folium page self-contained: every ``<script src>`` and ``<link>`` folium would point at a CDN
is replaced, at render time, by the file's text inline.

The texts come from the ``folium-offline`` package (``offlinefolium.elements._res``: CDN URL -> file
text), which carries every resource folium's plugins use; our own runtime and CSS come from
``geo/maps/templates``. They are read from the installed package in every process that draws a map
(about 0.2 s), never from a cache: a cache folder is a place someone else may write, and what is
inlined here runs in every reader's browser.

Each inline script is guarded so that a page holding two of our fragments (or a page that already
loaded Leaflet) runs each library once.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from importlib.resources import files

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from markupsafe import Markup

from geo.errors import GeoError
from geo.maps.templating import render, script_json

#: Prefix of resources that ship in this package (``geo:runtime.js`` is ``templates/runtime.js``).
PACKAGE_SCHEME = "geo:"

#: JavaScript that tells whether a library is already on the page; other scripts are guarded by URL.
GUARDS = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "window.L && window.L.Map",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "window.L && window.L.MarkerClusterGroup",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        "window.L && window.L.heatLayer",
    "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js":
        "window.L && window.L.Timeline",
    "geo:runtime.js": "window.geoMapRuntime",
    "geo:labels.js": "window.geoLabeller",
}

_SOURCE_MAP = re.compile(r"^\s*(//[#@] sourceMappingURL=.*|/\*[#@] sourceMappingURL=.*?\*/)\s*$", re.MULTILINE)


def _offlinefolium_texts() -> dict[str, str]:
    from offlinefolium import elements

    return dict(elements._res)


@cache
def offline_texts() -> dict[str, str]:
    """CDN URL -> text, for everything folium-offline carries."""
    return _offlinefolium_texts()


def resource_text(url: str) -> str | None:
    """The text behind ``url``, or None when no offline copy exists."""
    if url.startswith(PACKAGE_SCHEME):
        return files("geo.maps").joinpath("templates", url[len(PACKAGE_SCHEME):]).read_text(encoding="utf-8")
    return offline_texts().get(url)


class RawElement(Element):
    """Text that goes into the page as it is.

    ``branca.Element(text)`` would compile ``text`` as a Jinja template, so an article containing
    ``{{ ... }}`` would be evaluated at render time; this element never is.
    """

    def __init__(self, text: str, name: str = "RawElement") -> None:
        super().__init__()
        self._name = name
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RawMacroElement(MacroElement):
    """A :class:`MacroElement` whose macro output is added to the page as :class:`RawElement`.

    Our templates put document text (JSON-escaped) into the page; branca's own ``MacroElement.render``
    would run that output through Jinja a second time.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise GeoError(f"{self._name} must be added to a map before it is rendered")
        for part in ("header", "html", "script"):
            macro = self._template.module.__dict__.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RawElement(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def inline_script(url: str, text: str) -> str:
    """``<script>`` holding ``text``, run only if the library is not on the page yet."""
    text = re.sub(r"</(script)", r"<\\/\1", _SOURCE_MAP.sub("", text), flags=re.IGNORECASE)
    guard = GUARDS.get(url)
    if guard is None:
        key = script_json(url)
        guard = f"(window.__geoAssets = window.__geoAssets || {{}})[{key}]"
        text = f"window.__geoAssets[{key}] = true;\n{text}"
    return render("inline_asset.html", kind="js", guard=Markup(guard), text=Markup(text))


def inline_style(text: str) -> str:
    text = re.sub(r"</(style)", r"<\\/\1", _SOURCE_MAP.sub("", text), flags=re.IGNORECASE)
    return render("inline_asset.html", kind="css", text=Markup(text))


class OfflineAssets(MacroElement):
    """Added to a map's :class:`Figure` after the map, so it renders after every element has put its
    links into the header; it then swaps each link for the inline text, keeping the order (Leaflet
    before its plugins). A link with no offline copy is kept, with a warning."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "OfflineAssets"

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise GeoError("OfflineAssets must be added to a Figure")
        for name, child in list(figure.header._children.items()):
            if not isinstance(child, JavascriptLink | CssLink):
                continue
            text = resource_text(child.url)
            if text is None:
                warnings.warn(f"no offline copy of {child.url}: the page will fetch it", stacklevel=2)
                continue
            inline = inline_script(child.url, text) if isinstance(child, JavascriptLink) else inline_style(text)
            figure.header.add_child(RawElement(inline, name="InlineAsset"), name=name)


def make_offline(figure: Figure) -> None:
    """Make ``figure`` render with inline resources (idempotent)."""
    if not any(isinstance(child, OfflineAssets) for child in figure._children.values()):
        figure.add_child(OfflineAssets(), name="offline_assets")
