"""`kraken-doctor explain`: from a Kraken error, or a whole log line, to its meaning and fix.

It speaks to the person holding the log line: the account the line names (`MASTER`, or
`USER:<id>`, whose key lives on that user's own Kraken login), the boxes to tick and the ones
to leave off when the error is about permissions, and the exact command that checks that
account. The text and the JSON carry the same content.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from kraken_doctor.catalog import Catalog, Permission, load_catalog
from kraken_doctor.doctor import credentials
from kraken_doctor.links import base_url, docs_url, error_index_path, find_error
from kraken_doctor.protocol import KnownError

#: errors whose fix is the key's permission boxes: explain lists the boxes with them
BOX_ERRORS = {KnownError.PERMISSION_DENIED, KnownError.INVALID_PERMISSIONS}

#: the bot's account label in a log line: `... failed (USER:alice_example): E...`
_LABEL = re.compile(r"\((MASTER|USER:[^()\s]{1,64})\)", re.IGNORECASE)

COMMAND = "kraken-doctor check"
WIDTH = 100


def account_in(text: str, cat: Catalog) -> dict[str, Any] | None:
    """The account a log line names, with whose key it is and where the bot reads it."""
    for m in _LABEL.finditer(text):
        account = credentials.account_from(m.group(1))
        if account is None:
            continue
        key_var, secret_var = credentials.names_for(cat.env_vars, account)
        label = credentials.label(account)
        if account == credentials.MASTER:
            whose = (
                "the master account: the operator's own key (yours, if you run the bot), "
                "on your own Kraken login"
            )
        else:
            whose = (
                f"the user {account}: that user's own key, made while signed in to "
                f"{account}'s own Kraken login (not the operator's)"
            )
        return {
            "label": label,
            "id": account,
            "whose": whose,
            "key_variable": key_var,
            "secret_variable": secret_var,
            "command": f"{COMMAND} --account {label}",
        }
    return None


def _box(cat: Catalog, p: Permission) -> dict[str, Any]:
    return {
        "permission": p.id,
        "group": cat.group(p.group).label,
        "label": p.label,
        "old_labels": list(p.old_labels),
    }


def boxes(cat: Catalog) -> dict[str, list[dict[str, Any]]]:
    """The boxes the bot needs ticked and the ones no bot may have, in the UI's order."""
    return {
        "tick": [_box(cat, p) for p in cat.required_permissions],
        "leave_off": [_box(cat, p) for p in cat.forbidden_permissions],
    }


def explain(text: str, catalog: Catalog | None = None) -> tuple[dict[str, Any], int]:
    """The explanation as data, and the exit code: 0 when the error is known, 1 when not."""
    cat = catalog or load_catalog()
    entry = find_error(text, cat) if text.strip() else None
    if entry is None:
        return {
            "found": False,
            "input": text[:200],
            "message": "No Kraken error the doctor knows was found in that text. Kraken errors "
            f"look like {cat.errors[0].string} or {cat.error('eapi-invalid-nonce').string}; "
            "paste the whole log line, or look the error up in the index.",
            "url": base_url(cat) + error_index_path(cat),
        }, 1
    account = account_in(text, cat)
    return {
        "found": True,
        "error": entry.string,
        "title": entry.title,
        "category": entry.category,
        "account": account,
        "meaning": entry.meaning,
        "fix": " ".join(entry.fix),
        "steps": list(entry.fix),
        "boxes": boxes(cat) if entry.slug in BOX_ERRORS else None,
        "verify": entry.verify,
        "command": account["command"] if account else COMMAND,
        "retry": cat.retry_text(entry),
        "uncertain": entry.uncertain,
        "url": docs_url(entry.string, cat),
    }, 0


def _wrap(text: str, indent: int = 2) -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent=" " * indent, break_on_hyphens=False)


def _box_line(mark: str, box: dict[str, Any]) -> str:
    old = f' (formerly "{box["old_labels"][0]}")' if box["old_labels"] else ""
    return f"  {mark} {box['group']} > {box['label']}{old}"


def render(data: dict[str, Any], as_json: bool = False) -> str:
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not data["found"]:
        return f"{data['message']}\nError index: {data['url']}\n"
    lines = [f"{data['title']} ({data['error']})"]
    account = data["account"]
    if account:
        lines += _wrap(
            f"Account: {account['label']} is {account['whose']}. The bot reads it from "
            f"{account['key_variable']} and {account['secret_variable']}."
        )
    lines += [*_wrap(f"Meaning: {data['meaning']}"), "Fix:"]
    for i, step in enumerate(data["steps"], start=1):
        lines += _wrap(f"  {i}. {step}", indent=5)
    if data["boxes"]:
        lines.append("Boxes on the key (current label, older label in brackets):")
        lines += [_box_line("tick     ", b) for b in data["boxes"]["tick"]]
        lines += [_box_line("leave off", b) for b in data["boxes"]["leave_off"]]
    lines += [
        *_wrap(f"Check: {data['verify']}"),
        f"Command: {data['command']}",
        *_wrap(f"Retry: {data['retry']}"),
    ]
    if data["uncertain"]:
        lines += _wrap(f"Note: {data['uncertain']}")
    lines.append(f"More: {data['url']}")
    return "\n".join(lines) + "\n"
