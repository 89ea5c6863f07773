"""Drive Debian's headless Chromium (through playwright) to take a picture of a map page.

The page is loaded with every request that would leave the file refused, and the picture is taken
when the page's runtime says the markers have been painted (``window.geoMapsReady``), not after a
fixed sleep.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from geo.errors import GeoError

ENV_VARIABLE = "GEO_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu"]
READY = "() => (window.geoMapsReady || 0) >= 1"
TIMEOUT_MS = 60_000
#: What a picture needs, in the words of the README (an extra of the project, and Debian's browser).
NEEDS_PLAYWRIGHT = (
    "--png needs the playwright package: pip install -e '.[png]' in the clone of geo "
    "(and Debian's Chromium: sudo apt-get install chromium)"
)
NEEDS_CHROMIUM = "--png needs Chromium: sudo apt-get install chromium (Debian), or set GEO_CHROMIUM to its path"


def check_snapshot() -> None:
    """Refuse at once, before a long run, when a picture cannot be taken here."""
    chromium_path()
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise GeoError(NEEDS_PLAYWRIGHT) from None


def chromium_path() -> str:
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
    raise GeoError(NEEDS_CHROMIUM)


def block_network(route) -> None:
    """A playwright route handler: files and inline data load, anything else is refused."""
    if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def screenshot(html_path: str | os.PathLike, png_path: str | os.PathLike, width: int = 1280,
               height: int = 800) -> None:
    """Write a PNG of the page at ``html_path``. Playwright's synchronous API refuses to run where an
    asyncio loop runs (Jupyter, or another playwright session), so it then runs in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _screenshot(html_path, png_path, width, height)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_screenshot, html_path, png_path, width, height).result()


def _screenshot(html_path: str | os.PathLike, png_path: str | os.PathLike, width: int, height: int) -> None:
    executable = chromium_path()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise GeoError(NEEDS_PLAYWRIGHT) from None
    page_url = Path(html_path).resolve().as_uri()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route("**/*", block_network)
                page.goto(page_url)
                page.wait_for_function(READY, timeout=TIMEOUT_MS)
                page.screenshot(path=str(png_path))
            finally:
                browser.close()
    except PlaywrightError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GeoError(f"--png {png_path}: Chromium failed: {first_line}") from None
