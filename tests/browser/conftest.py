"""The built site in headless chromium: one strict build per run, one server per worker.

Under pytest-xdist every worker is its own process with its own session fixtures. The build
is the slow part: `site_build` (tests/sitebuild.py) makes one for the whole run, which the
other site tests read too, and each worker serves it on its own port. The browser sends
requests for other hosts to a proxy that is not there (bench/browser.py), every context
records them, and every test fails if its pages tried one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from bench.browser import ChromiumMissing, launch, leaves_machine
from bench.site import page_paths, serve
from sitebuild import template_of


@pytest.fixture(scope="session")
def built_site(site_build) -> Path:
    """The strict build of this test run (tests/sitebuild.py: one for all workers)."""
    if site_build.returncode != 0:
        pytest.fail(f"`mkdocs build --strict` failed:\n{site_build.output}", pytrace=False)
    return site_build.site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The root URL of the built site, served by this worker, e.g. http://127.0.0.1:PORT/kraken-doctor/."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def site_pages(built_site: Path) -> list[str]:
    """Every page in the built site's sitemap, as a path relative to the site root."""
    return page_paths(built_site)


@pytest.fixture(scope="session")
def audited_pages(site_pages: list[str]) -> list[str]:
    """Every hand-written page, and the first page of each template: what the page-wide
    checks (axe, console errors) visit. Pages of one template differ only in catalog text."""
    chosen, seen = [], set()
    for path in site_pages:
        template = template_of(path)
        if template is None or template not in seen:
            chosen.append(path)
            seen.add(template)
    return chosen


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    try:
        browser = launch(playwright)
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    yield browser
    browser.close()


@dataclass
class SiteBrowser:
    """One browser context on the local site, with what its pages did wrong."""

    context: BrowserContext
    page: Page
    root: str
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return self.root + path.lstrip("/")

    def path(self) -> str:
        """The current page's path relative to the site root."""
        current = urlsplit(self.page.url).path
        assert current.startswith(urlsplit(self.root).path), f"left the site: {self.page.url}"
        return current[len(urlsplit(self.root).path) :]

    def goto(self, path: str = "") -> Response:
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None and response.ok, (
            f"{path or '/'}: HTTP {response and response.status}"
        )
        return response

    def _note(self, request: Request) -> None:
        """Every request, the search worker's included, is seen here."""
        if leaves_machine(request.url):
            self.outside_requests.append(f"{self.path_or_url()} -> {request.url}")

    def path_or_url(self) -> str:
        try:
            return self.path() or "/"
        except AssertionError:
            return self.page.url


def _open(chromium: Browser, site_url: str, **context_options: object) -> SiteBrowser:
    context = chromium.new_context(base_url=site_url, color_scheme="light", **context_options)
    page = context.new_page()
    visit = SiteBrowser(context=context, page=page, root=site_url)
    context.on("request", visit._note)
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and visit.console_errors.append(f"{visit.path_or_url()}: {msg.text}")
        ),
    )
    page.on("pageerror", lambda exc: visit.console_errors.append(f"{visit.path_or_url()}: {exc}"))
    return visit


@pytest.fixture
def browse(chromium: Browser, site_url: str) -> Iterator[SiteBrowser]:
    """A fresh desktop-sized context; the test fails if any page it opened left 127.0.0.1."""
    visit = _open(chromium, site_url, viewport={"width": 1280, "height": 900})
    yield visit
    visit.context.close()
    assert not visit.outside_requests, "requests outside 127.0.0.1:\n" + "\n".join(
        visit.outside_requests
    )


@pytest.fixture
def browse_phone(chromium: Browser, site_url: str, playwright: Playwright) -> Iterator[SiteBrowser]:
    """A phone-sized context (Pixel 5 metrics, touch), otherwise like `browse`."""
    device = {k: v for k, v in playwright.devices["Pixel 5"].items() if k != "default_browser_type"}
    visit = _open(chromium, site_url, **device)
    yield visit
    visit.context.close()
    assert not visit.outside_requests, "requests outside 127.0.0.1:\n" + "\n".join(
        visit.outside_requests
    )
