"""The wheel users install: built from this checkout, installed into a fresh venv with no
groups or extras, every module it ships imports and the command runs.

It catches what only shows outside the checkout: a module that needs a docs or dev package,
a path computed from the source tree, a data file left out of the wheel.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """(the fresh venv's python, the modules the wheel ships)."""
    if not UV.exists():
        pytest.fail(f"uv is missing from the venv ({UV}): run `make install`")
    tmp = tmp_path_factory.mktemp("wheel")
    _run(UV, "build", "--quiet", "--wheel", "--out-dir", tmp / "dist", PROJECT)
    (wheel,) = (tmp / "dist").glob("kraken_doctor-*.whl")
    _run(UV, "venv", "--quiet", "--python", sys.executable, tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    _run(UV, "pip", "install", "--quiet", "--python", python, wheel)
    with zipfile.ZipFile(wheel) as zf:
        modules = sorted(
            name[: -len(".py")].replace("/", ".").removesuffix(".__init__")
            for name in zf.namelist()
            if name.endswith(".py") and not name.endswith("__main__.py")
        )
    return python, modules


def test_every_module_of_the_wheel_imports_without_dev_or_docs_packages(
    installed: tuple[Path, list[str]],
) -> None:
    python, modules = installed
    assert "kraken_doctor.cli" in modules and "kraken_doctor.mock" in modules
    script = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    _run(python, "-c", script, *modules)


def test_the_wheel_runs_the_command_and_finds_its_catalog(
    installed: tuple[Path, list[str]],
) -> None:
    python, _ = installed
    out = _run(python, "-m", "kraken_doctor.cli", "explain", "EAPI:Invalid nonce")
    assert "/errors/eapi-invalid-nonce/" in out


def test_the_wheel_ships_only_what_users_run(installed: tuple[Path, list[str]]) -> None:
    """The site's build code and the bench live beside the docs and in tools/, not here."""
    _, modules = installed
    shipped = {m.split(".")[1] for m in modules if m.count(".") >= 1}
    assert shipped <= {"catalog", "protocol", "links", "doctor", "mock", "cli", "demo"}, shipped
