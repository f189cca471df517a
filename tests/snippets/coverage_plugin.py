"""Line coverage of snippets/, measured inside the subprocesses that run them.

Snippets run as `python snippets/<name>.py`, never imported, so pytest-cov cannot see them.
Coverage starts inside each run instead: coverage.py installs a .pth file that calls
`coverage.process_startup()` in every Python process started with COVERAGE_PROCESS_START
naming a config, and the tests set that variable for the snippets they run.

The main pytest process (the xdist controller, or the only process) prepares that
directory in pytest_configure, and at the end of a run that included every snippet test
combines the data and fails the session unless every line of every snippet ran. It is
registered from the project's root conftest.py because, under xdist, only conftest files
loaded at start-up run in the controller.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SNIPPETS = PROJECT_DIR / "snippets"
SNIPPET_TESTS = Path(__file__).resolve().parent
ENV_VAR = "KD_SNIPPET_COVERAGE_DIR"
_DIR = pytest.StashKey[Path]()
_REPORT = pytest.StashKey[str]()
_ran_tests: set[str] = set()  # node ids of the snippet tests this run executed


def coverage_env() -> dict[str, str]:
    """Variables that make a snippet subprocess record its coverage ({} when not measuring)."""
    directory = os.environ.get(ENV_VAR)
    if not directory:
        return {}
    return {"COVERAGE_PROCESS_START": str(Path(directory, "coveragerc"))}


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if not _is_controller(config):
        return  # xdist workers inherit the controller's environment variable
    directory = Path(tempfile.mkdtemp(prefix="kd-snippet-coverage-"))
    (directory / "data").mkdir()
    (directory / "coveragerc").write_text(
        "[run]\nparallel = true\n"
        f"data_file = {directory / 'data' / '.coverage'}\nsource = {SNIPPETS}\n",
        encoding="utf-8",
    )
    os.environ[ENV_VAR] = str(directory)
    config.stash[_DIR] = directory


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """The controller sees every test's report, the workers' included."""
    if report.when == "call":
        path = PROJECT_DIR / report.nodeid.split("::")[0]
        if path.parent == SNIPPET_TESTS:
            _ran_tests.add(report.nodeid)


def _whole_snippet_suite(config: pytest.Config) -> bool:
    """Only a run of every snippet test can demand 100 %: not a file, a -k or a --lf run."""
    if config.option.keyword or config.getoption("lf", False):
        return False
    if config.getoption("deselect", None) or not _ran_tests:
        return False
    for arg in config.args:
        if "::" in arg:
            continue
        path = (config.invocation_params.dir / arg).resolve()
        if path == SNIPPET_TESTS or path in SNIPPET_TESTS.parents:
            return True
    return False


def measure(directory: Path) -> dict[Path, list[int]]:
    """Each snippet file -> the line numbers that never ran (all of them if none ran)."""
    import coverage

    cov = coverage.Coverage(config_file=str(directory / "coveragerc"))
    data_dir = directory / "data"
    if any(p.name.startswith(".coverage.") for p in data_dir.iterdir()):
        cov.combine([str(data_dir)], keep=True)
    cov.load()
    missing: dict[Path, list[int]] = {}
    for path in sorted(SNIPPETS.glob("*.py")):
        _, _statements, _, lines, _ = cov.analysis2(str(path))
        missing[path] = list(lines)
    return missing


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not _is_controller(config) or _DIR not in config.stash:
        return
    directory = config.stash[_DIR]
    try:
        if exitstatus != 0 or not _whole_snippet_suite(config):
            return  # a failed or partial run (-x, -k, one file) says nothing about coverage
        missing = {p: lines for p, lines in measure(directory).items() if lines}
        if not missing:
            config.stash[_REPORT] = "snippet coverage: 100 % of the lines in snippets/ ran"
            return
        lines = ["snippet coverage is below 100 %; these lines never ran in any snippet test:"]
        for path, numbers in missing.items():
            lines.append(f"  {path.relative_to(PROJECT_DIR)}: lines {', '.join(map(str, numbers))}")
        config.stash[_REPORT] = "\n".join(lines)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        os.environ.pop(ENV_VAR, None)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash.get(_REPORT, None)
    if report:
        failed = report.startswith("snippet coverage is below")
        terminalreporter.write_line(report, red=failed, green=not failed, bold=failed)
