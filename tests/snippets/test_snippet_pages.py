"""Pages show snippets only by including the tested files (pymdownx.snippets).

Every file in snippets/ is included by at least one page, every include resolves to a
file and a section that exist, and no page has an inline Python block: Python on the site
is always a file that the snippet tests ran.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kraken_doctor.catalog import load_catalog
from snippet_runs import PROJECT_DIR

DOCS = PROJECT_DIR / "docs"
SNIPPETS = PROJECT_DIR / "snippets"
PAGES = sorted(DOCS.rglob("*.md"))

INCLUDE = re.compile(r"""^\s*(?P<escape>;?)-{1,}8<-{1,}\s+(?P<q>["'])(?P<spec>[^"']+)(?P=q)\s*$""")
BLOCK = re.compile(r"^\s*-{1,}8<-{1,}\s*$")  # the multi-line form: file names between two
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*\{?\s*\.?(?P<lang>[\w+-]*)")
SECTION = re.compile(
    r"-{1,}8<-{1,}\s+\[\s*(?P<kind>start|end)\s*:\s*(?P<name>[a-z][-_0-9a-z]*)\s*\]"
)
PYTHON = {"python", "py", "python3", "py3", "pycon"}
#: `{{ snippet_tabs("connection_test.py") }}`: the file in every client's version, in tabs.
TABS = re.compile(r"""\{\{\s*snippet_tabs\(\s*(?P<q>["'])(?P<spec>[^"']+)(?P=q)""")


def client_versions(spec: str) -> list[str]:
    """connection_test.py[:section] -> the same spec for each client's file (macros.py)."""
    file, colon, section = spec.partition(":")
    stem = file.removesuffix(".py")
    return [f"{stem}{c.snippet_suffix}.py{colon}{section}" for c in load_catalog().clients]


def includes(page: Path) -> list[tuple[int, str]]:
    """(line number, spec) of every snippet include on a page; escaped ones are text."""
    found, block = [], False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if BLOCK.match(line):
            block = not block
            continue
        if block and line.strip():
            found.append((number, line.strip()))
            continue
        m = INCLUDE.match(line)
        if m and not m["escape"]:
            found.append((number, m["spec"]))
        for tabs in TABS.finditer(line):
            found.extend((number, spec) for spec in client_versions(tabs["spec"]))
    return found


def sections(path: Path) -> dict[str, tuple[int, int]]:
    """Section name -> (start line, end line); a start without its end is an error."""
    starts: dict[str, int] = {}
    done: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = SECTION.search(line)
        if not m:
            continue
        name = m["name"]
        if m["kind"] == "start":
            assert name not in starts and name not in done, f"{path.name}: section {name} twice"
            starts[name] = number
        else:
            assert name in starts, f"{path.name}:{number}: end of section {name} without a start"
            done[name] = (starts.pop(name), number)
    assert not starts, f"{path.name}: sections without an end marker: {sorted(starts)}"
    return done


ALL_INCLUDES = [(page, n, spec) for page in PAGES for n, spec in includes(page)]


def test_the_site_checks_include_paths():
    config = (PROJECT_DIR / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"pymdownx\.snippets:\s*\n(\s+.*\n)*?\s+check_paths:\s*true", config)
    assert "$config_dir/snippets" in config


@pytest.mark.parametrize("snippet", sorted(p.name for p in SNIPPETS.glob("*.py")))
def test_every_snippet_is_shown_on_a_page(snippet):
    shown_on = [page for page, _, spec in ALL_INCLUDES if spec.split(":")[0] == snippet]
    assert shown_on, f'snippets/{snippet} is on no page: include it with --8<-- "{snippet}"'


@pytest.mark.parametrize("snippet", sorted(p.name for p in SNIPPETS.glob("*.py")))
def test_section_markers_pair_up(snippet):
    sections(SNIPPETS / snippet)


@pytest.mark.parametrize(
    "page,line,spec",
    ALL_INCLUDES,
    ids=[f"{p.relative_to(DOCS)}:{n}" for p, n, _ in ALL_INCLUDES],
)
def test_every_include_resolves(page, line, spec):
    where = f"{page.relative_to(PROJECT_DIR)}:{line}"
    file, _, section = spec.partition(":")
    path = SNIPPETS / file
    assert path.is_file(), f"{where}: no file snippets/{file}"
    if section:
        assert not re.fullmatch(r"[\d:,-]+", section), (
            f"{where}: line numbers drift when the file changes; mark a named section instead"
        )
        assert section in sections(path), f"{where}: snippets/{file} has no section {section!r}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_no_inline_python_on_a_page(page):
    """A Python block may hold snippet includes only (and blank lines)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    fence = None
    for number, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = (m["fence"], m["lang"].lower(), number)
            continue
        if (
            m
            and m["fence"][0] == fence[0][0]
            and len(m["fence"]) >= len(fence[0])
            and not m["lang"]
        ):
            fence = None
            continue
        if fence[1] in PYTHON and line.strip() and not INCLUDE.match(line):
            where = f"{page.relative_to(PROJECT_DIR)}:{number}"
            pytest.fail(
                f"{where}: inline Python in the ```{fence[1]} block opened on line {fence[2]}. "
                "Put the code in snippets/, test it, and include it with --8<--."
            )
