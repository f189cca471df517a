"""MkDocs hooks for how pages read and how far they can be trusted.

- Each page gets a "last reviewed" date: the day its source file last changed in git. It is
  read once per build with one `git log`; without git, outside a repository, or in a shallow
  clone (whose oldest commit seems to touch every file) the date is left out rather than
  guessed.
- The footer links the source repository, a plain link read from the package's own metadata
  (`[project.urls] Source`), so no page calls GitHub's API for it.
- Table cells carry their column's heading (`data-label`), so on a phone the stylesheet in
  overrides/main.html can stack each row as a card instead of cutting columns off.
- Every word of inline code is kept whole (a name to copy must not break in the middle).
- A figure drawn by `figures` inside a list item comes out of Markdown wrapped in
  a paragraph; the paragraph is dropped, since a <figure> may not sit inside a <p>.
"""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

#: The page's source file -> the day of its last commit, filled once per build.
_REVIEWED: dict[str, date] = {}

FIGURE_IN_P = re.compile(r'<p>\s*(<figure class="kd-fig.*?</figure>)\s*</p>', re.S)
TABLE = re.compile(r"<table>(.*?)</table>", re.S)
HEAD_CELL = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td(?=[\s>])")
TAG = re.compile(r"<[^>]+>")
#: Inline code: a <code> that does not open a code block (those follow <pre> or its <span>).
#: Inline code up to this many characters (an error string, a short command) never breaks.
WHOLE = 30
INLINE_CODE = re.compile(r"(?<!<pre>)(?<!</span>)<code>([^<]*)</code>")


def last_commit_dates(repo: Path, folder: str = "docs") -> dict[str, date]:
    """`docs/...` path -> date of the last commit that touched it; {} when git cannot say."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
            )
        except OSError:
            return None
        return done.stdout if done.returncode == 0 else None

    shallow = git("rev-parse", "--is-shallow-repository")
    if shallow is None or shallow.strip() != "false":
        return {}
    log = git("log", "--format=%x00%cs", "--name-only", "--", folder)
    if log is None:
        return {}
    dates: dict[str, date] = {}
    when: date | None = None
    for line in log.splitlines():
        if line.startswith("\0"):
            when = date.fromisoformat(line[1:])
        elif line.strip() and when is not None:
            dates.setdefault(line.strip(), when)  # newest first: keep the first seen
    return dates


def source_url() -> str | None:
    """The repository URL from the installed package's metadata, if it declares one."""
    try:
        urls = metadata.metadata("kraken-doctor").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "source":
            return url.strip()
    return None


def label_table_cells(content: str) -> str:
    """Give every body cell of every table its column heading as `data-label`."""

    def one_table(match: re.Match[str]) -> str:
        body = match.group(1)
        heads = [
            html.escape(html.unescape(TAG.sub("", h)).strip()) for h in HEAD_CELL.findall(body)
        ]
        if not heads:
            return match.group(0)

        def one_row(row: re.Match[str]) -> str:
            column = iter(heads)
            return (
                "<tr>"
                + CELL.sub(lambda _: f'<td data-label="{next(column, "")}"', row.group(1))
                + "</tr>"
            )

        return "<table>" + ROW.sub(one_row, body) + "</table>"

    return TABLE.sub(one_table, content)


def _unbreakable(token: str) -> str:
    """An identifier stays whole; a URL may break after its slashes, nowhere else."""
    if "://" in token:
        return token.replace("/", "/<wbr>")
    return f'<span class="kd-nw">{token}</span>' if token else token


def keep_identifiers_whole(content: str) -> str:
    """Mark inline code so that names never break inside: short code stays in one piece (an
    error string such as `EGeneral:Permission denied`), longer code may break only at its
    spaces, URLs only after a slash."""

    def one(match: re.Match[str]) -> str:
        text = match.group(1)
        if len(html.unescape(text)) <= WHOLE and "://" not in text:
            return f'<code><span class="kd-nw">{text}</span></code>'  # short: one piece
        words = re.split(r"( +)", text)
        inner = "".join(w if w.isspace() else _unbreakable(w) for w in words)
        return f"<code>{inner}</code>"

    return INLINE_CODE.sub(one, content)


def on_config(config: Any, **_: Any) -> Any:
    url = source_url()
    if url:
        config["extra"]["kd_source_url"] = url
    _REVIEWED.clear()
    docs = Path(config["docs_dir"])
    repo = docs.parent
    for path, when in last_commit_dates(repo, docs.name).items():
        _REVIEWED[path] = when
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    docs = Path(config["docs_dir"])
    key = f"{docs.name}/{page.file.src_uri}"
    when = _REVIEWED.get(key)
    if when is not None:
        page.meta["kd_reviewed"] = f"{when:%B} {when.day}, {when.year}"
    return markdown


def on_page_content(content: str, **_: Any) -> str:
    content = FIGURE_IN_P.sub(r"\1", content)
    return keep_identifiers_whole(label_table_cells(content))
