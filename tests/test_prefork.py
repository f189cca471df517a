"""prefork.WarmPython: a fork of a warm interpreter ends a script as `python FILE` would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prefork import WarmPython

SCRIPTS = {
    "ok.py": "import sys\nprint('out', sys.argv[1:])\nprint('err', file=sys.stderr)\n",
    "exits.py": "import sys\nsys.exit(int(sys.argv[1]))\n",
    "says.py": "raise SystemExit('a message, exit 1')\n",
    "raises.py": "def f():\n    raise ValueError('boom')\nf()\n",
    "reads.py": "import sys\nprint(sys.stdin.read().upper(), end='')\n",
    "where.py": "import os, sys\nprint(os.getcwd(), sys.path[0], __name__, os.environ.get('X'))\n",
    "atexit_.py": "import atexit\natexit.register(print, 'bye')\nprint('hi')\n",
    "crlf.py": "import sys\nsys.stdout.write('a\\r\\nb\\rc\\n')\n",
    "hangs.py": "import time\nprint('started', flush=True)\ntime.sleep(60)\n",
    "imported.py": "import sys\nprint('json' in sys.modules)\n",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scripts")
    for name, text in SCRIPTS.items():
        (path / name).write_text(text)
    return path


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmPython]:
    python = WarmPython(["json"], {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"})
    yield python
    python.close()


def cold(folder: Path, argv: list[str], env: dict[str, str], stdin: str = ""):
    """The same script in a new interpreter, for comparison."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1", **env}
    return subprocess.run(
        [sys.executable, *argv],
        cwd=folder,
        env=env,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize(
    "argv,stdin",
    [
        (["ok.py", "a", "b c"], ""),
        (["exits.py", "3"], ""),
        (["exits.py", "0"], ""),
        (["says.py"], ""),
        (["reads.py"], "some input\n"),
        (["where.py"], ""),
        (["atexit_.py"], ""),
        (["crlf.py"], ""),
    ],
)
def test_a_warm_run_ends_as_a_new_interpreter_does(warm, folder, argv, stdin):
    env = {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1", "X": "from the run"}
    run = warm.run(argv, str(folder), env, stdin)
    expected = cold(folder, argv, {"X": "from the run"}, stdin)
    assert (run.output, run.returncode) == (expected.stdout, expected.returncode)


def test_an_uncaught_exception_prints_its_traceback_and_exits_1(warm, folder):
    run = warm.run(["raises.py"], str(folder), {})
    assert run.returncode == 1
    assert run.output.startswith("Traceback (most recent call last):")
    assert run.output.rstrip().endswith("ValueError: boom")


def test_the_modules_are_imported_before_the_fork(warm, folder):
    run = warm.run(["imported.py"], str(folder), {})
    assert run.output == "True\n"


def test_a_run_that_hangs_is_killed_at_its_timeout_and_the_next_run_works(warm, folder):
    with pytest.raises(subprocess.TimeoutExpired):
        warm.run(["hangs.py"], str(folder), {}, timeout=0.5)
    assert warm.run(["exits.py", "4"], str(folder), {}).returncode == 4


def test_a_zygote_that_cannot_start_says_so():
    with pytest.raises(RuntimeError, match="did not start"):
        WarmPython(["no_such_module_anywhere"], {"PATH": "/usr/bin:/bin"})
