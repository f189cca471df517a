"""Render a check for people (a checklist; colour only on a terminal) or for machines (JSON).

Colour follows the NO_COLOR convention (https://no-color.org): any non-empty NO_COLOR turns
it off, and it is never used when the output is not a terminal. The JSON layout is described
by `JSON_SCHEMA` (JSON Schema draft 2020-12) and on the doctor's docs page.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Mapping
from typing import IO, Any

from kraken_doctor.doctor.client import harmless
from kraken_doctor.doctor.model import (
    EXIT_COULD_NOT_RUN,
    EXIT_OK,
    MASTER,
    REPORT,
    STEPS,
    AccountReport,
    ChecklistItem,
    CheckReport,
    Finding,
)

WIDTH = 100
_TAGS = {
    "pass": ("  ok", "32"),
    "info": ("info", "2"),
    "warn": ("WARN", "33"),
    "fail": ("FAIL", "1;31"),
    "error": (" ERR", "35"),
    "skip": ("skip", "2"),
}
_ACTIONS = {
    "tick": ("[ ] tick  ", "32"),
    "untick": ("[x] untick", "1;31"),
    "check": ("[?] look  ", "33"),
}
RESULT = {
    EXIT_OK: "all well",
    1: "problems found",
    EXIT_COULD_NOT_RUN: "the check could not run to the end",
}


def is_terminal(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def use_color(stream: IO[str] | None, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to something."""
    env = os.environ if environ is None else environ
    return not env.get("NO_COLOR", "") and is_terminal(stream)


class _Paint:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def _wrap(text: str, indent: int) -> list[str]:
    text = harmless(text, len(text))  # a server's words never reach the terminal raw
    pad = " " * indent
    return textwrap.wrap(
        text, WIDTH, initial_indent=pad, subsequent_indent=pad, break_on_hyphens=False
    ) or [pad]


def _finding_lines(f: Finding, paint: _Paint) -> list[str]:
    tag, code = _TAGS[f.status]
    head = f"  {paint(tag, code)}  {f.step:<16}"
    body = _wrap(f.message, 24)
    lines = [head + body[0][24:]] + body[1:]
    if f.fix and f.status in ("fail", "warn", "error", "info"):
        lines += _wrap(f"fix: {f.fix}", 24)
    if f.url and f.status in ("fail", "warn", "error"):
        lines.append(" " * 24 + f"docs: {f.url}")
    return lines


def _box(item: ChecklistItem) -> str:
    old = f' (formerly "{item.old_labels[0]}")' if item.old_labels else ""
    return f"{item.group} > {item.label}{old}"


def _account_lines(rep: AccountReport, paint: _Paint) -> list[str]:
    key = f"key {rep.key_hint}" if rep.key_hint else "no key"
    where = f", {rep.key_variable}" if rep.key_variable else ""
    src = f" from {rep.source}" if rep.source else ""
    lines = [paint(f"Account {rep.label} ({key}{where}{src})", "1")]
    order = {s: i for i, s in enumerate(STEPS)}
    for f in sorted(rep.findings, key=lambda f: order[f.step]):
        lines += _finding_lines(f, paint)
    if rep.checklist:
        changes = any(i.action != "check" for i in rep.checklist)
        verb = "change" if changes else "look at"
        where = "kraken.com (Settings, then API, then Edit on this key)"
        if rep.account != MASTER:
            where += f", signed in to {rep.account}'s own Kraken account"
        lines += ["", *_wrap(f"What to {verb} on {where}:", 2)]
        for item in rep.checklist:
            tag, code = _ACTIONS[item.action]
            lines.append(f"    {paint(tag, code)}  {_box(item)}")
            if item.action == "check":
                lines += _wrap(item.reason, 16)
        if changes:
            lines.append("    Save the key, wait a minute, then restart the bot.")
        lines += [f"    docs: {u}" for u in dict.fromkeys(i.url for i in rep.checklist)]
    if rep.calls:
        public = sum(1 for c in rep.calls if not c.private)
        lines += [
            "",
            f"  Calls: {public} public, {rep.private_calls} private "
            f"({rep.counter_points} REST counter point{'' if rep.counter_points == 1 else 's'}"
            + (
                f", permissions read with {rep.permission_method})"
                if rep.permission_method
                else ")"
            ),
        ]
    return lines


def account_summary(rep: AccountReport) -> str:
    """One line for one account: its verdict, then the boxes to change or the first problem."""
    verdict = RESULT.get(rep.exit_code, RESULT[1])
    parts = []
    for action, verb in (("tick", "tick"), ("untick", "untick"), ("check", "look at")):
        boxes = [_box(i) for i in rep.checklist if i.action == action]
        if boxes:
            parts.append(f"{verb} {'; '.join(boxes)}")
    if not parts and rep.exit_code != EXIT_OK:
        worst = "fail" if rep.has("fail") else "error"
        first = next(f for f in rep.findings if f.status == worst)
        # Its first clause ("Kraken does not know this API key (EAPI:Invalid key) in answer to
        # GetApiKeyInfo"), as short as a summary line should be.
        clause = re.split(r"[:;.] ", first.message, maxsplit=1)[0]
        parts.append(textwrap.shorten(clause, 90, placeholder=" ..."))
    return f"{verdict}: {', '.join(parts)}" if parts else verdict


def _summary_lines(report: CheckReport, paint: _Paint) -> list[str]:
    if not report.accounts:
        return []
    width = max(len(r.label) for r in report.accounts)
    lines = ["Every account:"]
    for rep in report.accounts:
        colour = "32" if rep.exit_code == EXIT_OK else "1;31" if rep.exit_code == 1 else "35"
        pad = width + 4
        body = _wrap(account_summary(rep), pad)
        lines.append(f"  {rep.label:<{width}}  {paint(body[0][pad:], colour)}")
        lines += [" " * pad + paint(line[pad:], colour) for line in body[1:]]
    return lines + [""]


def render_text(report: CheckReport, color: bool = False) -> str:
    """The human report: one block per account, one line per account, the overall result."""
    paint = _Paint(color)
    lines = [paint(f"Kraken Doctor: checking {report.api_url}", "1"), ""]
    for f in report.findings:
        lines += _finding_lines(f, paint)
    if report.findings:
        lines.append("")
    for rep in report.accounts:
        lines += _account_lines(rep, paint) + [""]
    lines += _summary_lines(report, paint)
    code = report.exit_code
    word = RESULT.get(code, "problems found")
    colour = "32" if code == EXIT_OK else "1;31" if code == 1 else "35"
    lines.append(paint(f"Result: {word} (exit {code}).", colour))
    return "\n".join(lines) + "\n"


def render_json(report: CheckReport) -> str:
    data = REPORT.dump_python(report, mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: CheckReport, as_json: bool = False, color: bool = False) -> str:
    return render_json(report) if as_json else render_text(report, color)


#: what `kraken-doctor check --json` prints (also `kraken-doctor check --json-schema`), derived
#: from the report's own types; tests/snapshots/check-report.schema.json shows any change
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **REPORT.json_schema(mode="serialization"),
}
