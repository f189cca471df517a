"""The built site in headless chromium: one strict build per run, one server per worker.

Under pytest-xdist every worker is its own process with its own session fixtures. The build
is the slow part, so the first worker to get the lock builds into a directory all workers of
this run share (keyed by xdist's run id); each worker then serves it on its own port. Every
browser context refuses requests that leave 127.0.0.1 and records them, and every test fails
if its pages tried one.
"""

from __future__ import annotations

import fcntl
import os
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
    Route,
    sync_playwright,
)

from kraken_doctor.bench.browser import ChromiumMissing, launch
from kraken_doctor.bench.site import BuildError, build_site, page_paths, project_dir, serve

PROJECT = project_dir(Path(__file__).parent)
LOCAL_HOSTS = {"127.0.0.1"}


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every xdist worker of this run sees; the session's own without xdist."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        shared = tmp_path_factory.getbasetemp().parent / f"site-{run_id}"
    else:
        shared = tmp_path_factory.getbasetemp() / "site-build"
    shared.mkdir(parents=True, exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict` into a temporary directory, once per test run."""
    shared = _shared_dir(tmp_path_factory)
    site, done = shared / "site", shared / "built"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            try:
                build_site(site, PROJECT)
            except BuildError as exc:
                pytest.fail(str(exc), pytrace=False)
            done.touch()
    return site


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

    @staticmethod
    def is_outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS

    def _note(self, request: Request) -> None:
        """Every request, the search worker's included, is seen here (routing may miss some)."""
        if self.is_outside(request.url):
            self.outside_requests.append(f"{self.path_or_url()} -> {request.url}")

    def _route(self, route: Route) -> None:
        if self.is_outside(route.request.url):
            route.abort("blockedbyclient")  # recorded by _note; never let it leave the machine
        else:
            route.continue_()

    def path_or_url(self) -> str:
        try:
            return self.path() or "/"
        except AssertionError:
            return self.page.url


def _open(chromium: Browser, site_url: str, **context_options: object) -> SiteBrowser:
    context = chromium.new_context(base_url=site_url, color_scheme="light", **context_options)
    page = context.new_page()
    visit = SiteBrowser(context=context, page=page, root=site_url)
    context.route("**/*", visit._route)
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
