"""Run a file from snippets/ exactly as a user would, against a fresh mock, for the pages.

Pages show what a snippet prints. Typed by hand, that text drifts from the code; captured
here at build time, it is what the very file on the page printed against a server that
behaves like Kraken. The tests run snippets through `execute` too, so the build and CI
start them the same way: `python snippets/<name>.py ARGS` in the project directory, with
a clean environment (no KRAKEN_* variable of the machine leaks in).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from captures import snippet_file
from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import MockKraken
from kraken_doctor.mock.cli import DEFAULT_PORT
from prefork import WarmPython

#: The mock's address as pages show it (`kraken-doctor mock`'s default); the port of the
#: mock a capture runs against changes on every run.
SHOWN_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
PROJECT_DIR = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 60


class SnippetRunError(RuntimeError):
    """A snippet could not be run at all (missing file, unknown account, hung)."""


@dataclass(frozen=True)
class SnippetRun:
    output: str  # stdout and stderr together, in the order the snippet wrote them
    returncode: int


def snippet_path(name: str, project_dir: str | Path | None = None) -> Path:
    """`connection_test` or `connection_test.py` -> <project>/snippets/connection_test.py."""
    path = snippet_file(name, project_dir or PROJECT_DIR)
    if not path.is_file():
        raise SnippetRunError(f"no snippet {path.name!r} in {path.parent}")
    return path


def clean_environ() -> dict[str, str]:
    """This process's environment without any Kraken variable, plus unbuffered UTF-8 output
    (so stdout and stderr keep their order when both go to one pipe). When KD_SNIPPET_COVERAGE
    names a coverage.py config (`make test` sets it), snippets measure their lines through
    coverage.py's own COVERAGE_PROCESS_START: only their processes, not the tests' own, which
    tracing would slow by a third."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("KRAKEN")}
    env.update(PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    if os.environ.get("KD_SNIPPET_COVERAGE"):
        env["COVERAGE_PROCESS_START"] = os.environ["KD_SNIPPET_COVERAGE"]
    return env


def execute(
    name: str,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    project_dir: str | Path | None = None,
    stdin: str = "",
    python: WarmPython | None = None,
) -> SnippetRun:
    """Run `python snippets/<name>.py ARGS` with `env` added to a clean environment, in a
    new interpreter, or in a fork of `python` (a warm one, for the tests' many runs)."""
    path = snippet_path(name, project_dir)
    argv = [str(path.relative_to(path.parents[1])), *args]
    env = {**clean_environ(), **(env or {})}
    try:
        if python is not None:
            run = python.run(argv, str(path.parents[1]), env, stdin, TIMEOUT_SECONDS)
            return SnippetRun(run.output, run.returncode)
        proc = subprocess.run(
            [sys.executable, *argv],
            cwd=path.parents[1],
            env=env,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise SnippetRunError(f"{path.name} did not finish within {TIMEOUT_SECONDS} s") from None
    return SnippetRun(proc.stdout, proc.returncode)


def imported_modules(project_dir: str | Path | None = None) -> list[str]:
    """Every module a file in snippets/ imports at its top level: what a warm Python
    imports once, so that runs start as fast as the snippet itself."""
    names: set[str] = set()
    for path in sorted(Path(project_dir or PROJECT_DIR, "snippets").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(names)


def warm_python() -> WarmPython:
    """A warm Python for `execute`, with the snippets' imports done and a clean environment."""
    return WarmPython(imported_modules(), clean_environ())


def master_env(key: str, secret: str, url: str) -> dict[str, str]:
    """The variables the env var guide tells users to set for the master account."""
    names = load_catalog().env_vars
    return {names.master.key: key, names.master.secret: secret, names.api_url: url}


def run_snippet(
    name: str,
    args: Sequence[str] = (),
    account: str = "trader",
    env: dict[str, str] | None = None,
    project_dir: str | Path | None = None,
) -> str:
    """What `python snippets/<name>` prints against a fresh mock with the demo accounts,
    using `account`'s key as the master's. The mock's port is shown as SHOWN_URL's, so a
    page built twice is the same byte for byte."""
    with MockKraken() as srv:
        if account not in srv.accounts:
            known = ", ".join(sorted(srv.accounts))
            raise SnippetRunError(f"no demo account {account!r}; the mock has {known}")
        acc = srv.accounts[account]
        run = execute(
            name, args, {**master_env(acc.key, acc.secret, srv.url), **(env or {})}, project_dir
        )
        return run.output.replace(srv.url, SHOWN_URL)
