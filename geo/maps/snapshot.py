"""Drive Debian's headless Chromium (through playwright) to take a picture of a map page.

The page is loaded with every request that would leave the file refused, and the picture is taken
when the page's runtime says the markers have been painted (``window.geoMapsReady``), not after a
fixed sleep.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GeoError

ENV_VARIABLE = "GEO_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu"]
READY = "() => (window.geoMapsReady || 0) >= 1"
#: Online tiles (when allowed) have loaded or given up, and the labels have been placed.
SETTLED = "() => (window.geoMaps || []).every(context => context.settled())"
TIMEOUT_MS = 60_000
#: What a picture needs, in the words of the README (an extra of the project, and Debian's browser).
NEEDS_PLAYWRIGHT = (
    "{flag} needs the playwright package: pip install -e '.[png]' in the clone of geo "
    "(and Debian's Chromium: sudo apt-get install chromium)"
)
NEEDS_CHROMIUM = "{flag} needs Chromium: sudo apt-get install chromium (Debian), or set GEO_CHROMIUM to its path"


def check_snapshot(flag: str = "--png") -> None:
    """Refuse at once, before a long run, when a picture cannot be taken here."""
    chromium_path(flag)
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise GeoError(NEEDS_PLAYWRIGHT.format(flag=flag)) from None


def chromium_path(flag: str = "--png") -> str:
    """The Chromium executable: ``$GEO_CHROMIUM``, else the first one on ``PATH``."""
    configured = os.environ.get(ENV_VARIABLE)
    if configured:
        if not Path(configured).is_file():
            raise GeoError(f"{ENV_VARIABLE}={configured}: no such file")
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise GeoError(NEEDS_CHROMIUM.format(flag=flag))


@dataclass(frozen=True, slots=True)
class Picture:
    """How to take a picture of a map page: the size in CSS pixels (caption included), the device
    pixel ratio (2 for print), whether the caption strip is drawn, and the URL prefixes the page may
    fetch (the tile server, when the user asked for online tiles; nothing by default)."""

    width: int = 1280
    height: int = 800
    scale: float = 1.0
    caption: bool = True
    allow: tuple[str, ...] = ()


def network_guard(allow: tuple[str, ...] = ()):
    """A playwright route handler: files, inline data and the ``allow`` prefixes load; anything else
    is refused."""

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")) or (allow and url.startswith(allow)):
            request_route.continue_()
        else:
            request_route.abort()

    return route


block_network = network_guard()


def screenshot(html_path: str | os.PathLike, png_path: str | os.PathLike, width: int = 1280,
               height: int = 800, picture: Picture | None = None) -> None:
    """Write a PNG of the page at ``html_path``, without zoom buttons or layer checkboxes and with
    the caption strip (see :class:`Picture`)."""
    picture = picture or Picture(width=width, height=height)
    _in_thread_if_needed(_capture, html_path, png_path, picture, "png")


def print_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, picture: Picture | None = None) -> None:
    """Write a one-page PDF of the page, the size of ``picture``: markers, labels, outlines and text
    stay vectors (the outlines are drawn as SVG rather than on a canvas for it)."""
    _in_thread_if_needed(_capture, html_path, pdf_path, picture or Picture(), "pdf")


def _in_thread_if_needed(function, *args) -> None:
    """Playwright's synchronous API refuses to run where an asyncio loop runs (Jupyter, or another
    playwright session): it then runs in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def _capture(html_path: str | os.PathLike, out_path: str | os.PathLike, picture: Picture, kind: str) -> None:
    flag = f"--{kind}"
    executable = chromium_path(flag)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise GeoError(NEEDS_PLAYWRIGHT.format(flag=flag)) from None
    page_url = Path(html_path).resolve().as_uri()
    settings = {"caption": picture.caption, "vector": kind == "pdf"}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
            try:
                page = browser.new_page(viewport={"width": picture.width, "height": picture.height},
                                        device_scale_factor=picture.scale)
                page.add_init_script(f"window.__geoSnapshot = {json.dumps(settings)};")
                page.route("**/*", network_guard(picture.allow))
                page.goto(page_url)
                page.wait_for_function(READY, timeout=TIMEOUT_MS)
                page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
                if kind == "pdf":
                    page.pdf(path=str(out_path), width=f"{picture.width}px", height=f"{picture.height}px",
                             print_background=True, page_ranges="1",
                             margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
                else:
                    page.screenshot(path=str(out_path))
            finally:
                browser.close()
    except PlaywrightError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GeoError(f"{flag} {out_path}: Chromium failed: {first_line}") from None
