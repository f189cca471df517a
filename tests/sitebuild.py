"""A strict build of the site into a temporary directory, once per test run however many
xdist workers share it, and small readers for the built HTML. The `site_build` fixture is
offered to every test by tests/conftest.py (the browser tests serve the same build).

The build itself is the bench's (`bench.site.build_site`, tools/ is on pytest's path): one
way to build the site for the tests and the figures."""

from __future__ import annotations

import fcntl
import json
import os
import re
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.site import Build, build_site
from kraken_doctor.catalog import load_catalog

PROJECT = Path(__file__).resolve().parents[1]


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every xdist worker of this run sees; the session's own without xdist."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        shared = tmp_path_factory.getbasetemp().parent / f"kd-site-{run_id}"
    else:
        shared = tmp_path_factory.getbasetemp() / "kd-site"
    shared.mkdir(parents=True, exist_ok=True)
    return shared


def build_once(shared: Path) -> Build:
    """The site built into `shared`, once for all the processes of a test run: the first to
    take the lock builds and writes down how it went; the others read that."""
    record = shared / "build.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            build = build_site(shared / "site", PROJECT)
            data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(build).items()}
            record.write_text(json.dumps(data), "utf-8")
    data = json.loads(record.read_text("utf-8"))
    return Build(**{**data, "site": Path(data["site"])})


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site, built once per test run (shared by every xdist worker)."""
    return build_once(shared_dir(tmp_path_factory))


#: A page whose whole source is one macro call (`{{ error_page("slug") }}`) is that macro's
#: template filled in from the catalog: one of them stands for all.
_TEMPLATE_ONLY = re.compile(r"\A\s*\{\{\s*(?P<macro>\w+)\(.*\)\s*\}\}\s*\Z", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def template_of(path: str) -> str | None:
    """The macro a page is made of alone (`error_page`, also for the error pages the site
    hook generates from the catalog), `generated` for another page a hook makes (no source in
    docs/, e.g. a script's page), or None for a hand-written page."""
    docs = PROJECT / "docs"
    for source in (docs / (path.rstrip("/") + ".md"), docs / path / "index.md"):
        if source.is_file():
            body = _FRONT_MATTER.sub("", source.read_text(encoding="utf-8"), count=1)
            match = _TEMPLATE_ONLY.match(body)
            return match["macro"] if match else None
    if path.startswith(load_catalog().site.errors_path):
        return "error_page"
    return "generated"


class Links(HTMLParser):
    """Every id, link and resource reference of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.resources: list[tuple[str, str]] = []  # (tag, url) of scripts, styles, images...

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "link" and "href" in a:
            if a.get("rel") in ("canonical", "prev", "next"):  # navigation, not a resource
                self.hrefs.append(a["href"])
            else:
                self.resources.append((tag, a["href"]))
        for attr in ("src", "srcset", "poster", "data"):
            if attr in a and tag != "a":
                self.resources.append((tag, a[attr]))


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text("utf-8"))
    return parser
