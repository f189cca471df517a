"""captures: captured outputs kept on disk by what made them.

A small MkDocs project in a temporary directory (one page, one snippet of its own) is built
the way the site is, so a test can edit the snippet and see the page follow: built again in
the same process, as `mkdocs serve` rebuilds, and under a real `mkdocs serve`. Under a real
`mkdocs serve` too, an edit of the catalog (in a copy of the package) changes its tables.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

import captures
import kraken_doctor.catalog as catalog_module
from captures import Batch, Store, doctor_capture, snippet_capture
from kraken_doctor.catalog import load_catalog

HOOK = Path(captures.__file__).with_name("capture_hooks.py")
#: the real project, whose mkdocs.yml the catalog test reads (it edits only copies)
PROJECT = HOOK.parents[2]


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's plain values (`watch:`); a tagged one (`!relative ...`) reads as None."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)

CONFIG = f"""\
site_name: capture test
theme: mkdocs
plugins:
  - macros:
      modules: [macros]
      render_by_default: false
      on_error_fail: true
hooks:
  - {HOOK.with_name("import_path.py")}
  - {HOOK}
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
watch:
  - snippets
"""

PAGE = """\
---
render_macros: true
---
# Outputs

{{ snippet_output("hello.py", ["--name", "<Ann & Bo>"]) }}

??? example "Folded"

{{ snippet_output("hello.py", account="view-only") | indent(4, first=True) }}
"""

SNIPPET = """\
import sys

from greeting import WORD

print(WORD, " ".join(sys.argv[1:]) or "nobody")
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-page MkDocs project whose snippet imports a module next to it."""
    monkeypatch.delenv(captures.CACHE_ENV, raising=False)
    write(tmp_path / "mkdocs.yml", CONFIG)
    write(tmp_path / "docs" / "index.md", PAGE)
    write(tmp_path / "snippets" / "hello.py", SNIPPET)
    write(tmp_path / "snippets" / "greeting.py", 'WORD = "hello"\n')
    return tmp_path


def build_page(project: Path) -> str:
    """Build the project in this process (as `mkdocs serve` does on every change); the page."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return (project / "site" / "index.html").read_text("utf-8")


def test_the_page_shows_the_capture_and_follows_an_edited_snippet(project: Path) -> None:
    html = build_page(project)
    assert "hello --name &lt;Ann &amp; Bo&gt;" in html  # escaped like any code block
    assert re.search(r"<details[^>]*>.*hello nobody", html, re.DOTALL), "the folded one too"
    assert "kd-capture-" not in html
    entries = sorted((project / captures.CACHE_DIR).glob("*.json"))
    assert len(entries) == 2, "one stored capture per distinct run"

    # Built again unchanged: both come from the store; stored texts are what the page shows.
    for entry in entries:
        entry.write_text(entry.read_text("utf-8").replace("hello", "stored"), "utf-8")
    assert "stored nobody" in build_page(project)

    # The snippet edited: it runs again, and only the snippet's captures change.
    write(project / "snippets" / "hello.py", SNIPPET.replace("print(WORD,", "print(WORD + '!',"))
    html = build_page(project)
    assert "hello! --name &lt;Ann &amp; Bo&gt;" in html and "hello! nobody" in html

    # A module the snippet imports is an input too.
    write(project / "snippets" / "greeting.py", 'WORD = "bye"\n')
    assert "bye! nobody" in build_page(project)


def test_a_failing_capture_fails_the_build_naming_it(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(project / "docs" / "index.md", PAGE.replace('account="view-only"', 'account="nobody"'))
    with pytest.raises(Exception, match="BuildError"):
        build_page(project)
    assert re.search(
        r"index\.md: snippet_output\(.*account='nobody'\) failed: no demo account", caplog.text
    )
    assert len(list((project / captures.CACHE_DIR).glob("*.json"))) == 1, "failures not kept"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check: Callable[[], bool], what: str, proc: subprocess.Popen[str]) -> None:
    """Poll until `check()`; a deadline only so a broken server cannot hang the suite."""
    deadline = time.monotonic() + 120
    while not check():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{what}; mkdocs serve said:\n{proc.communicate()[0]}")
        time.sleep(0.2)


@contextmanager
def serving(
    project: Path, pythonpath: Path | None = None
) -> Iterator[tuple[Callable[[], str], subprocess.Popen[str]]]:
    """`mkdocs serve` on `project`, importing first from `pythonpath` if given: a function
    that fetches its home page ("" while it cannot), and the server, stopped afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        yield page, proc
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_under_mkdocs_serve_an_edited_snippet_changes_the_output_on_its_page(
    project: Path,
) -> None:
    with serving(project) as (page, proc):
        _wait_for(lambda: "hello nobody" in page(), "the page never showed the capture", proc)
        write(project / "snippets" / "hello.py", SNIPPET.replace("WORD,", "'edited',"))
        _wait_for(lambda: "edited nobody" in page(), "the page kept the old output", proc)
        assert "edited --name &lt;Ann &amp; Bo&gt;" in page()


CATALOG_PAGE = """\
---
render_macros: true
---
# From the catalog

{{ permission_table() }}

{{ key_form_figure() }}
"""


def test_under_mkdocs_serve_an_edited_catalog_changes_the_tables_on_the_next_rebuild(
    project: Path,
) -> None:
    """The site's mkdocs.yml watches the catalog, and a rebuild in the same process (what
    `mkdocs serve` does) renders the edited file, not the one the process read first.

    The package is a copy in the temporary project, found first on PYTHONPATH, so the real
    catalog is never edited.
    """
    site_config = yaml.load((PROJECT / "mkdocs.yml").read_text("utf-8"), Loader=_AnyTagLoader)
    catalog = Path(catalog_module.__file__).with_name(catalog_module.CATALOG_FILE)
    watched = [(PROJECT / w).resolve() for w in site_config["watch"]]
    assert any(catalog.resolve().is_relative_to(w) for w in watched), "serve must watch it"

    package = project / "src" / "kraken_doctor"
    shutil.copytree(catalog.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    config = CONFIG.replace("  - admonition\n", "  - admonition\n  - tables\n")
    write(project / "mkdocs.yml", config + "  - src/kraken_doctor\n")
    write(project / "docs" / "index.md", CATALOG_PAGE)
    label = load_catalog().permission("query-funds").label
    renamed = "Query balance (edited)"
    with serving(project, pythonpath=project / "src") as (page, proc):
        _wait_for(lambda: "Withdraw" in page(), "the page never showed the tables", proc)
        assert renamed not in page()
        text = (package / catalog_module.CATALOG_FILE).read_text("utf-8")
        old = f"  - id: query-funds\n    group: funds\n    label: {label}\n"
        assert text.count(old) == 1
        write(package / catalog_module.CATALOG_FILE, text.replace(old, old.replace(label, renamed)))
        _wait_for(lambda: renamed in page(), "the page kept the old catalog", proc)
        html = page()
        assert re.search(rf"<td><strong>{re.escape(renamed)}</strong></td>", html), "the table"
        assert re.search(rf"<text[^>]*>{re.escape(renamed)}</text>", html), "the key form figure"


# -- the key and the store -------------------------------------------------------------------


def test_the_key_follows_every_input_and_nothing_else(project: Path) -> None:
    batch = Batch(project, deferred=False)
    hello = snippet_capture("hello")
    key = batch.key(hello)
    assert batch.key(snippet_capture("hello.py")) == key, "the same file by either name"
    assert Batch(project, deferred=False).key(hello) == key, "stable from build to build"
    assert batch.key(snippet_capture("hello", ["x"])) != key
    assert batch.key(snippet_capture("hello", account="view-only")) != key
    assert batch.key(doctor_capture("all-good")) != batch.key(doctor_capture("all-good", True))
    write(project / "snippets" / "unrelated.py", "print(1)\n")
    assert batch.key(hello) == key, "a file the snippet does not import"
    write(project / "snippets" / "greeting.py", 'WORD = "hi"\n')
    assert batch.key(hello) != key, "a module the snippet imports"


def test_the_key_follows_the_package_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    before = captures.environment_fingerprint()
    assert captures.environment_fingerprint() == before
    real = captures._package_files
    monkeypatch.setattr(
        captures, "_package_files", lambda: [(n, p) for n, p in real() if n != "catalog.yml"]
    )
    assert captures.environment_fingerprint() != before
    files = {name for name, _ in real()}
    assert {"catalog.yml", "mock/server.py", "demo.py", "site/snippet_runs.py"} <= files
    assert not {"site/macros.py", "site/site_hooks.py"} & files, "they only place the text"


def test_the_store_reads_what_it_wrote_and_ignores_a_damaged_entry(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert store.get("k") is None
    store.put("k", doctor_capture("all-good"), "text ✅\n")
    assert store.get("k") == "text ✅\n"
    (tmp_path / "store" / "k.json").write_text("{not json", "utf-8")
    assert store.get("k") is None


def test_the_cache_can_live_elsewhere(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(captures.CACHE_ENV, str(project / "elsewhere"))
    assert Batch(project, deferred=False).text(snippet_capture("hello")) == "hello nobody\n"
    assert len(list((project / "elsewhere").glob("*.json"))) == 1
    assert not (project / captures.CACHE_DIR).exists()


@pytest.mark.parametrize("fresh_processes", [False, True], ids=["threads", "processes"])
def test_a_deferred_batch_runs_in_workers_and_hands_back_placeholders(
    project: Path, fresh_processes: bool
) -> None:
    batch = Batch(project, deferred=True, fresh_processes=fresh_processes)
    try:
        one = batch.text(snippet_capture("hello"))
        assert captures.PLACEHOLDER.fullmatch(one)
        assert batch.text(snippet_capture("hello.py")) == one, "asked twice, run once"
        assert batch.result(one) == "hello nobody\n"
        assert batch.ran == [snippet_capture("hello")]
    finally:
        batch.close()
    again = Batch(project, deferred=True)
    assert again.text(snippet_capture("hello")) == "hello nobody\n"
    assert again.ran == []
