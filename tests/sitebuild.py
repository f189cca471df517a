"""A strict build of the site into a temporary directory, once per test session (per worker),
and small readers for the built HTML. Used by test_site.py and test_links.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kraken_doctor.catalog import load_catalog

PROJECT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Build:
    site: Path
    output: str
    returncode: int
    seconds: float

    @property
    def url_prefix(self) -> str:
        """The path the site lives under when published, e.g. `/kraken-doctor/`."""
        return urlsplit(load_catalog().site.base_url).path

    def file_for(self, path: str) -> Path | None:
        """The built file a site-relative path (`errors/x/`, `errors.json`) is served from."""
        target = self.site / unquote(path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None


@cache
def build_once(site: Path) -> Build:
    """`mkdocs build --strict` into `site`, as `make build` runs it; once per process, so
    test modules that each import the fixture still share one build."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return Build(site, proc.stdout + proc.stderr, proc.returncode, time.monotonic() - start)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site, built once per test session (per worker) into a temporary directory."""
    return build_once(tmp_path_factory.getbasetemp() / "kd-site")


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
