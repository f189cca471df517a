"""captures: captured outputs kept on disk by what made them.

A small MkDocs project in a temporary directory (one page, one snippet of its own) is built
the way the site is, so a test can edit the snippet and see the page follow: built again in
the same process, as `mkdocs serve` rebuilds, and under a real `mkdocs serve`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import captures
from captures import Batch, Store, doctor_capture, snippet_capture

HOOK = Path(captures.__file__).with_name("capture_hooks.py")

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


def test_under_mkdocs_serve_an_edited_snippet_changes_the_output_on_its_page(
    project: Path,
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
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
        _wait_for(lambda: "hello nobody" in page(), "the page never showed the capture", proc)
        write(project / "snippets" / "hello.py", SNIPPET.replace("WORD,", "'edited',"))
        _wait_for(lambda: "edited nobody" in page(), "the page kept the old output", proc)
        assert "edited --name &lt;Ann &amp; Bo&gt;" in page()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


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
