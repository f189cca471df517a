"""Read a `.env` file the way python-dotenv does for the lines a bot's `.env` holds.

The bot (and `start.sh`) load `.env` from the working directory, and the environment wins
over the file. We parse it ourselves, with the standard library only: `NAME=value`,
optional `export `, `#` comments, single or double quotes around a value.
"""

from __future__ import annotations

import re
from pathlib import Path

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


def _unquote(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        if raw[0] == '"':
            inner = inner.replace('\\"', '"').replace("\\n", "\n")
        return inner
    if raw and raw[0] in "'\"":
        # A quote that is opened and closed before a comment: `"abc" # note`.
        end = raw.find(raw[0], 1)
        if end > 0 and raw[end + 1 :].strip().startswith("#"):
            return raw[1:end]
        return raw
    # An unquoted value ends at ` #`.
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def parse_dotenv(text: str) -> dict[str, str]:
    """The variables a `.env` text defines (later lines win, as in python-dotenv)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            out[m.group(1)] = _unquote(m.group(2))
    return out


def read_dotenv(directory: str | Path) -> tuple[dict[str, str], Path | None]:
    """The variables of `<directory>/.env` and its path, or ({}, None) when there is none."""
    path = Path(directory) / ".env"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return {}, None
    return parse_dotenv(text), path
