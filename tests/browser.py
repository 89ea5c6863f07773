"""Headless Chromium for the browser tests: Debian's executable, driven by playwright, with every
request that would leave the page's own file refused and recorded.

A page opened with :func:`open_page` collects console errors, page errors and the refused requests,
so a test can assert that a map loaded cleanly and offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from geo.maps.snapshot import LAUNCH_ARGS, READY, chromium_path

TIMEOUT_MS = 30_000


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class LoadedPage:
    page: Page
    url: str
    #: Requests for anything but the page itself (refused): must stay empty.
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)


def open_page(browser: Browser, path: Path, width: int = 1280, height: int = 800, wait: bool = True) -> LoadedPage:
    """Open ``path`` with the network blocked; wait for the map runtime's ready flag."""
    page = browser.new_page(viewport={"width": width, "height": height})
    loaded = LoadedPage(page, path.resolve().as_uri())

    def route(request_route) -> None:
        url = request_route.request.url
        if url == loaded.url or url.startswith("data:"):
            request_route.continue_()
        else:
            loaded.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: loaded.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: loaded.errors.append(str(error)))
    page.goto(loaded.url)
    if wait:
        page.wait_for_function(READY, timeout=TIMEOUT_MS)
    return loaded
