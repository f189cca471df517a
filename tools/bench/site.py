"""Build the site and serve it on 127.0.0.1 the way GitHub Pages would.

`build_site` is the one strict build of the site outside `make build`: the test suite's
(tests/sitebuild.py, once per run) and the bench's (timed, with an empty and a warm capture
cache) both run it, so both build what `make build` builds, the same way.

The browser tests and `make bench` both need the built site behind a real HTTP server: the
search worker, the copy button's clipboard and Lighthouse do not work from file:// URLs.
The site is served under the path of the catalog's base URL (`/kraken-doctor/`), like the
project site on GitHub Pages, so absolute links (the 404 page uses them) resolve locally too.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import mimetypes
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kraken_doctor.links import base_url

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class BuildError(RuntimeError):
    """The strict build failed; the message carries mkdocs' own output."""


@dataclass(frozen=True)
class Build:
    """How one `mkdocs build --strict` went: plain data, so the test suite's workers can
    share one build through a JSON file."""

    site: Path
    output: str  # mkdocs' stdout and stderr, warnings included
    returncode: int
    seconds: float

    def checked(self) -> Build:
        """This build, if it succeeded; else BuildError with mkdocs' own output."""
        if self.returncode != 0:
            raise BuildError(
                f"`mkdocs build --strict` failed (exit {self.returncode}):\n{self.output}"
            )
        return self

    @property
    def pages(self) -> int:
        return len(page_paths(self.site))

    @property
    def seconds_per_page(self) -> float:
        pages = self.pages
        return self.seconds / pages if pages else float("nan")

    @property
    def url_prefix(self) -> str:
        """The path the site lives under when published, e.g. `/kraken-doctor/`."""
        return url_prefix()

    def file_for(self, path: str) -> Path | None:
        """The built file a site-relative path (`errors/x/`, `errors.json`) is served from."""
        target = self.site / unquote(path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None


def project_dir(start: Path | None = None) -> Path:
    """The checkout holding mkdocs.yml: the current directory or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "mkdocs.yml").is_file():
            return candidate
    raise BuildError(f"no mkdocs.yml in {here} or its parents: run this from the checkout")


def build_site(dest: Path, project: Path | None = None, capture_cache: Path | None = None) -> Build:
    """Run a fresh `mkdocs build --strict` in its own process into `dest`, as `make build`
    runs it, and time it; `capture_cache` is where the captured outputs are kept (an empty
    folder: every capture runs). A failed build is returned too (see `Build.checked`): the
    tests report its output."""
    project = project or project_dir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if capture_cache is not None:
        env["KD_CAPTURE_CACHE"] = str(capture_cache)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    return Build(dest, proc.stdout + proc.stderr, proc.returncode, seconds)


def url_prefix() -> str:
    """The path the site lives under once published, e.g. `/kraken-doctor/`."""
    return urlsplit(base_url()).path or "/"


def page_paths(site_dir: Path) -> list[str]:
    """Every page of the sitemap as a path under the site, e.g. `errors/eapi-invalid-key/`.

    The sitemap lists the pages MkDocs rendered (redirect stubs are not pages), with the
    published base URL in front; that base is cut off so the paths work on any server.
    """
    root = ET.parse(site_dir / "sitemap.xml").getroot()
    base = base_url()
    paths = []
    for loc in root.iter(f"{SITEMAP_NS}loc"):
        url = (loc.text or "").strip()
        if not url.startswith(base):
            raise BuildError(f"sitemap.xml lists {url!r}, outside the site's base URL {base}")
        paths.append(url[len(base) :])
    return paths


#: What GitHub Pages sends compressed; the benchmark measures what a reader downloads.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files under `prefix`; anything else gets the site's 404 page, as on GitHub."""

    prefix = "/"
    compress = False
    _gzipped: dict[Path, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not (self.compress and "gzip" in self.headers.get("Accept-Encoding", "")):
            super().do_GET()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if not path.is_file() or path.suffix not in COMPRESSIBLE:
            super().do_GET()  # directories to redirect, images, fonts, 404s
            return
        if path not in self._gzipped:
            self._gzipped[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self._gzipped[path]
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header(
            "Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else "")
        )
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the tests report what matters; a line per request would drown it

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / ".outside-the-site")  # missing: a 404
        return super().translate_path("/" + clean[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(site_dir: Path, prefix: str | None = None, compress: bool = False) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 (a free port) in a thread; yields the site's root URL.

    `compress` gzips text files for clients that accept it, as GitHub Pages does.
    """
    attrs = {"prefix": prefix or url_prefix(), "compress": compress, "_gzipped": {}}
    handler = type("Handler", (_SiteHandler,), attrs)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{handler.prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
