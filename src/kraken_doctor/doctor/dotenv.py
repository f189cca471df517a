"""Read `.env` exactly as the bot does: with python-dotenv, the library the bot loads it with.

The bot calls `load_dotenv()` on the `.env` in its working directory: UTF-8 text, later lines
win, `${VAR}` expanded (the environment first, then the lines above), and a variable already
set in the environment is never overridden. A bare `NAME` line sets nothing. We use
python-dotenv's own parser and `${VAR}` rules, only with the environment the check was given
instead of the process's, so the doctor sees every tricky line (`export`, quotes, inline
comments, multi-line values, CRLF) as the bot does.

A `.env` the bot would hang on (a FIFO) or choke on (a device, a huge file, not UTF-8) is
named in a finding instead.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv.parser import parse_stream
from dotenv.variables import parse_variables

from kraken_doctor.doctor.model import Finding

#: a bot's `.env` is a few KiB; anything this large is not one
MAX_DOTENV_BYTES = 10 * 1024 * 1024


@dataclass
class DotenvFile:
    """What `.env` defines for the bot, where it is, and what is wrong with the file itself."""

    values: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    problems: list[Finding] = field(default_factory=list)


def parse_dotenv(text: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables `load_dotenv()` would set from `text` in a process with `environ`.

    `${VAR}` takes the environment's value first, then the file's earlier lines (python-dotenv
    without override). A bare `NAME` sets nothing, as in `load_dotenv()`.
    """
    env = os.environ if environ is None else environ
    values: dict[str, str | None] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.key is None:
            continue
        if binding.value is None:
            values[binding.key] = None
            continue
        context = {**values, **env}
        values[binding.key] = "".join(a.resolve(context) for a in parse_variables(binding.value))
    return {k: v for k, v in values.items() if v is not None}


def _problem(path: Path, code: str, why: str, fix: str) -> Finding:
    return Finding("credentials", "fail", code, f"{path} {why}", fix)


def read_dotenv(directory: str | Path, environ: Mapping[str, str] | None = None) -> DotenvFile:
    """The variables of `<directory>/.env`, read as the bot reads it, or none when absent."""
    path = Path(directory) / ".env"
    try:
        info = os.stat(path)  # follows a symlink, as opening it would
    except (OSError, ValueError):
        return DotenvFile()
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
        return DotenvFile(
            path=path,
            problems=[
                _problem(
                    path,
                    "dotenv-not-a-file",
                    f"is {kind}: reading it could wait forever or never end, so the doctor "
                    "did not read it.",
                    "Replace it with a normal text file holding NAME=value lines.",
                )
            ],
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_DOTENV_BYTES + 1)
    except OSError as exc:
        return DotenvFile(
            path=path,
            problems=[
                _problem(
                    path,
                    "dotenv-unreadable",
                    f"cannot be read ({exc.strerror}).",
                    "Check its permissions.",
                )
            ],
        )
    out = DotenvFile(path=path)
    if len(data) > MAX_DOTENV_BYTES:
        out.problems.append(
            _problem(
                path,
                "dotenv-too-large",
                "is larger than 10 MiB, which no bot's .env is; the doctor did not read it.",
                "Check that the file is the bot's .env.",
            )
        )
        return out
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        out.problems.append(
            _problem(
                path,
                "dotenv-not-utf8",
                "is not UTF-8 text: python-dotenv, which the bot loads it with, stops on it.",
                "Save the file as UTF-8 (without a byte-order mark).",
            )
        )
    # Text mode, as python-dotenv opens it: CRLF and CR line ends read as LF.
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()
    out.values = parse_dotenv(text, environ)
    return out
