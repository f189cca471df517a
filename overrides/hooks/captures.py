"""The outputs pages show (snippet runs, doctor scenarios), stored on disk by what made them.

A capture's text depends only on its inputs: the file it runs (and the files next to it that
it imports), the package that serves and checks it (mock, doctor, catalog), the installed
packages and Python, and its arguments. The cache key is a hash of all of them, read afresh
on every build, so a build runs only the captures whose inputs changed, and `mkdocs serve`
re-runs a capture as soon as one of its inputs is edited: nothing is remembered for the life
of the process.

Captures that must run go to two workers while the build goes on rendering other pages;
until a capture is done its page holds a placeholder, which `capture_hooks` swaps for the
text before the page is indexed and written (see `Batch`). A one-off `mkdocs build` runs
them in threads (a snippet runs in its own process anyway). `mkdocs serve` runs them in
fresh worker processes, because the server process keeps the modules it imported once: the
mock or doctor code edited since would not be the code that runs.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Where captures are kept, under the project (ignored by git); this variable moves them.
CACHE_ENV = "KD_CAPTURE_CACHE"
CACHE_DIR = Path(".cache") / "captures"
#: Bumped when the stored format or the way captures run changes: old entries are ignored.
FORMAT = 1
#: What runs and checks a capture: the installed package (mock, doctor, catalog, demo), and
#: the two site modules that start a capture. The other site modules only place its text.
PACKAGE_DIR = Path(importlib.util.find_spec("kraken_doctor").origin).parent
RUNNERS = (Path(__file__).resolve(), Path(__file__).resolve().with_name("snippet_runs.py"))
SNIPPETS_DIR = "snippets"  # under the project: the files pages include and captures run
PLACEHOLDER = re.compile(r"kd-capture-[0-9a-f]{64}")


class CaptureError(RuntimeError):
    """A capture could not run; the message says which one and why."""


@dataclass(frozen=True)
class Capture:
    """One output a page shows: `kind` is `snippet` or `doctor`, `params` its arguments."""

    kind: str
    params: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params)
        return f"{self.kind}_output({args})"

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.params)


def snippet_file(name: str, project: str | Path) -> Path:
    """`connection_test` or `connection_test.py` -> <project>/snippets/connection_test.py."""
    return Path(project) / SNIPPETS_DIR / (name if name.endswith(".py") else f"{name}.py")


def snippet_capture(name: str, args: Sequence[str] = (), account: str = "trader") -> Capture:
    """`python snippets/<name> ARGS` against a fresh mock, with `account`'s key as the master's."""
    file = name if name.endswith(".py") else f"{name}.py"
    return Capture("snippet", (("name", file), ("args", tuple(args)), ("account", account)))


def doctor_capture(scenario: str, json: bool = False) -> Capture:
    """`kraken-doctor demo --scenario NAME` (as JSON with `json`)."""
    return Capture("doctor", (("scenario", scenario), ("json", json)))


def run(capture: Capture, project: Path) -> str:
    """Run one capture now, in this process, and return its text."""
    opts = capture.options
    if capture.kind == "snippet":
        from snippet_runs import run_snippet

        return run_snippet(opts["name"], opts["args"], opts["account"], project_dir=project)
    from kraken_doctor.demo import run_scenario
    from snippet_runs import SHOWN_URL

    try:
        return run_scenario(opts["scenario"], json=opts["json"], shown_url=SHOWN_URL)[0]
    except ValueError as exc:  # an unknown scenario
        raise CaptureError(f"{capture}: {exc}") from None


# -- what a capture depends on ---------------------------------------------------------------


def _local_modules(script: Path) -> list[Path]:
    """`script` and every module next to it that it imports, directly or through another."""
    found: list[Path] = []
    todo = [script]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.append(path)
        try:
            tree = ast.parse(path.read_bytes(), str(path))
        except (SyntaxError, ValueError):
            continue  # it will fail when run, and that output is what the page shows
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = script.parent / name.split(".")[0]
                if top.with_suffix(".py").is_file():
                    todo.append(top.with_suffix(".py"))
                elif top.is_dir():
                    todo.extend(sorted(top.rglob("*.py")))
    return found


def input_files(capture: Capture, project: Path) -> list[Path]:
    """The project's files a capture runs: for a snippet, the file and its local imports."""
    if capture.kind != "snippet":
        return []
    path = snippet_file(capture.options["name"], project)
    if not path.is_file():
        raise CaptureError(f"no snippet {path.name!r} in {path.parent}")
    return _local_modules(path)


def _package_files() -> Iterable[tuple[str, Path]]:
    """(name, path) of every source a capture's text depends on, besides its own files."""
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in {".py", ".yml"}:
            yield path.relative_to(PACKAGE_DIR).as_posix(), path
    for path in RUNNERS:
        yield f"site/{path.name}", path


def _installed() -> list[str]:
    """Every installed distribution with its version (the names of its metadata folders)."""
    found = set()
    for entry in sys.path:
        if os.path.isdir(entry):
            found.update(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def environment_fingerprint() -> str:
    """The part of every key that is the same for all captures: Python, the installed
    packages, and the sources of the package that serves and checks them."""
    h = hashlib.sha256()
    h.update(json.dumps([FORMAT, sys.version, _installed()]).encode())
    for name, path in _package_files():
        h.update(b"\0" + name.encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def capture_key(capture: Capture, project: Path, fingerprint: str) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([fingerprint, capture.kind, capture.params]).encode())
    for path in input_files(capture, project):
        h.update(b"\0" + path.relative_to(project).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


# -- the store -------------------------------------------------------------------------------


def cache_dir(project: Path) -> Path:
    return Path(os.environ.get(CACHE_ENV) or project / CACHE_DIR)


class Store:
    """Captured texts on disk, one JSON file per key; writes are atomic, so builds running at
    the same time (test workers) can share one store."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def get(self, key: str) -> str | None:
        try:
            return json.loads(self._path(key).read_text("utf-8"))["output"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: run it again

    def put(self, key: str, capture: Capture, text: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"capture": str(capture), "output": text}
        tmp = self._path(key).with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, self._path(key))


# -- one build's captures --------------------------------------------------------------------


def _run_in_worker(capture: Capture, project: str) -> str:
    return run(capture, Path(project))


#: Libraries a capture imports that are not this project's: loaded once, before any fork.
THIRD_PARTY = ["yaml", "pydantic", "dotenv", "requests", "werkzeug.serving"]


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a small server process that has loaded the third-party libraries
    and nothing of this project, so each worker imports the project's code fresh from disk
    (under `mkdocs serve` the edited mock is the one that runs) without paying for the rest.
    Never a plain fork of the build itself: `mkdocs serve` has threads, and stale modules."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(THIRD_PARTY)
    return ctx


class Batch:
    """The captures of one build: cached ones are read, the others run in parallel.

    `text(capture)` returns the text when it is cached. Otherwise, if the batch is `deferred`,
    it starts the run in a worker and returns a placeholder (`kd-capture-<key>`), which
    `result(placeholder)` later turns into the text; if not, it runs the capture there and
    then. Either way a finished capture is stored, so the next build reads it. Workers are
    threads, or with `fresh_processes` processes that import this project's code afresh.
    """

    def __init__(
        self,
        project: Path,
        deferred: bool = True,
        fresh_processes: bool = False,
        workers: int | None = None,
    ) -> None:
        self.project = project
        self.store = Store(cache_dir(project))
        self.deferred = deferred
        self.fresh_processes = fresh_processes
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.fingerprint = environment_fingerprint()
        self.ran: list[Capture] = []  # what this build had to run (the rest was cached)
        self._pending: dict[str, tuple[Capture, Future[str]]] = {}
        self._pool: Executor | None = None

    def key(self, capture: Capture) -> str:
        return capture_key(capture, self.project, self.fingerprint)

    def text(self, capture: Capture) -> str:
        key = self.key(capture)
        cached = self.store.get(key)
        if cached is not None:
            return cached
        if not self.deferred:
            return self._finish(key, capture, run(capture, self.project))
        if key not in self._pending:
            self._pending[key] = (capture, self._submit(capture))
            self.ran.append(capture)
        return f"kd-capture-{key}"

    def _submit(self, capture: Capture) -> Future[str]:
        if self._pool is None:
            if self.fresh_processes:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=_worker_context())
            else:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="capture")
        return self._pool.submit(_run_in_worker, capture, str(self.project))

    def _finish(self, key: str, capture: Capture, text: str) -> str:
        self.store.put(key, capture, text)
        return text

    def result(self, placeholder: str) -> str:
        """The text a placeholder stands for, once its run is done."""
        key = placeholder.removeprefix("kd-capture-")
        if key not in self._pending:
            raise CaptureError(f"{placeholder}: no capture of this build has this key")
        capture, future = self._pending[key]
        try:
            text = future.result()
        except Exception as exc:
            raise CaptureError(f"{capture} failed: {exc}") from exc
        return self._finish(key, capture, text)

    def resolve(self, html: str, render: Callable[[str], str]) -> str:
        """`html` with every placeholder replaced by `render(text)` of its capture, where
        `render(placeholder)` is what the placeholder itself was rendered as."""
        for placeholder in dict.fromkeys(PLACEHOLDER.findall(html)):
            html = html.replace(render(placeholder), render(self.result(placeholder)))
        if leftover := PLACEHOLDER.search(html):
            raise CaptureError(f"{leftover.group(0)} was rendered in a form it cannot replace")
        return html

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


_current: Batch | None = None


def start(project: Path, deferred: bool = True, fresh_processes: bool = False) -> Batch:
    """A new build's batch (capture_hooks starts a deferred one when the build begins)."""
    global _current
    close_current()
    _current = Batch(project, deferred=deferred, fresh_processes=fresh_processes)
    return _current


def for_build(project: Path) -> Batch:
    """This build's batch; without capture_hooks, one that runs each capture when asked."""
    if _current is None or _current.project != project:
        return start(project, deferred=False)
    return _current


def active() -> Batch | None:
    return _current


def close_current() -> None:
    """End the current batch (after a build, when it failed, or before the next one)."""
    global _current
    if _current is not None:
        _current.close()
        _current = None
