"""MkDocs hook: every snippet gets a page of its own, and folded whole-script listings become
links to it.

The guides fold each script they use into a collapsed example ("??? example"). Folded or not,
that highlighted code is in the page's HTML: on the Permission denied guide, two scripts were
over 40 % of its bytes and two thirds of its elements, for readers who mostly never open
them. Instead:

- each file in snippets/ gets a page, `scripts/<name>/`, showing it whole (with the copy
  button), and the file itself next to it, `scripts/<name>.py`, to download;
- a whole-script listing inside a `<details>` block is replaced by a link to that page (a
  block holding nothing else becomes the link itself). Which file a listing shows is found
  by its text, so it does not matter how a page includes it (plain, in tabs, per client).

Sections of a script (`--8<-- "file.py:section"`) and scripts shown unfolded stay as they are.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

#: Where the script pages live in the site.
SCRIPTS_PATH = "scripts/"
#: A pymdownx.snippets section marker, which a whole-file include leaves out.
_MARKER = re.compile(r"-{1,}8<-{1,}\s+\[\s*(?:start|end)\s*:\s*[-_0-9a-zA-Z]+\s*\]")
_DETAILS = re.compile(r"<details\b[^>]*>.*?</details>", re.DOTALL)
_SUMMARY = re.compile(r"<summary>(?P<title>.*?)</summary>", re.DOTALL)
_LISTING = re.compile(
    r'<div class="highlight"[^>]*><pre>.*?<code>(?P<code>.*?)</code></pre></div>', re.DOTALL
)
_ONLY = re.compile(
    r"\A\s*<details\b[^>]*>\s*<summary>.*?</summary>\s*(?P<rest>.*?)\s*</details>\Z", re.DOTALL
)

PAGE = """\
---
search:
  exclude: true
---

# {name}

The whole script, exactly as the pages that use it run it: the project's tests run it
against the mock Kraken API on every change. [Download {name}]({file}), or copy it here:

```python
--8<-- "{include}"
```
"""


@dataclass(frozen=True)
class Script:
    include: str  # path under snippets/, e.g. `permission_check.py`
    page_uri: str  # the page's source, e.g. `scripts/permission_check.md`
    file_uri: str  # the downloadable copy, e.g. `scripts/permission_check.py`
    lines: int


def included_text(path: Path) -> str:
    """The file as a whole-file include puts it in a page: without section markers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not _MARKER.search(line)).strip("\n")


def _code_text(code_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", code_html)).strip("\n")


_scripts: dict[str, Script] = {}  # a script's text -> its pages, for this build


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    _scripts.clear()
    snippets = Path(config.config_file_path).parent / "snippets"
    for path in sorted(snippets.rglob("*.py")):
        include = path.relative_to(snippets).as_posix()
        stem = include.removesuffix(".py")
        script = Script(
            include,
            f"{SCRIPTS_PATH}{stem}.md",
            f"{SCRIPTS_PATH}{include}",
            len(included_text(path).splitlines()),
        )
        text = PAGE.format(name=path.name, file=path.name, include=include)
        files.append(
            File.generated(
                config, script.page_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV
            )
        )
        files.append(File.generated(config, script.file_uri, abs_src_path=str(path)))
        _scripts[included_text(path)] = script
    return files


def _link(script: Script, title: str, page: Any, files: Files) -> str:
    here = page.url
    to_page = get_relative_url(files.get_file_from_path(script.page_uri).url, here)
    to_file = get_relative_url(files.get_file_from_path(script.file_uri).url, here)
    return (
        f'<p class="kd-script"><a class="kd-script-link" href="{to_page}">{title}</a> '
        f'({script.lines} lines; <a href="{to_file}" download>download</a>)</p>'
    )


def fold_listings(content: str, page: Any, files: Files) -> str:
    """Replace each whole-script listing inside a `<details>` with a link to its page."""

    def details(block: re.Match[str]) -> str:
        text = block.group(0)
        summary = _SUMMARY.search(text)
        title = summary.group("title").strip() if summary else ""

        def listing(m: re.Match[str]) -> str:
            script = _scripts.get(_code_text(m.group("code")))
            if script is None:
                return m.group(0)
            return _link(script, title or Path(script.include).name, page, files)

        text = _LISTING.sub(listing, text)
        only = _ONLY.match(text)
        if only and re.fullmatch(r'<p class="kd-script">.*?</p>', only.group("rest"), re.DOTALL):
            return only.group("rest")  # the block held one script: the link replaces it
        return text

    return _DETAILS.sub(details, content)


def on_page_content(html_text: str, page: Any, files: Files, **_: Any) -> str:
    if page.file.src_uri.startswith(SCRIPTS_PATH):
        return html_text
    return fold_listings(html_text, page, files)
