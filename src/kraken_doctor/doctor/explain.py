"""`kraken-doctor explain`: from a Kraken error, or a whole log line, to its meaning and fix."""

from __future__ import annotations

import json
from typing import Any

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.links import base_url, docs_url, error_index_path, find_error

RETRY = {
    "never": "do not retry; fix the cause first",
    "after-fix": "retry once the cause is fixed",
    "backoff": "retry with growing pauses",
    "after-wait": "wait, then retry once",
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
    return {
        "found": True,
        "error": entry.string,
        "title": entry.title,
        "category": entry.category,
        "meaning": entry.meaning,
        "fix": " ".join(entry.fix),
        "steps": list(entry.fix),
        "retry": RETRY[entry.retry]
        + (" (retrying before the fix can lock the key out)" if entry.retry_risks_lockout else ""),
        "verify": entry.verify,
        "uncertain": entry.uncertain,
        "url": docs_url(entry.string, cat),
    }, 0


def render(data: dict[str, Any], as_json: bool = False) -> str:
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not data["found"]:
        return f"{data['message']}\nError index: {data['url']}\n"
    lines = [
        f"{data['title']} ({data['error']})",
        f"Meaning: {data['meaning']}",
        "Fix:",
        *(f"  {i}. {step}" for i, step in enumerate(data["steps"], start=1)),
        f"Check: {data['verify']}",
        f"Retry: {data['retry']}.",
    ]
    if data["uncertain"]:
        lines.append(f"Note: {data['uncertain']}")
    lines.append(f"More: {data['url']}")
    return "\n".join(lines) + "\n"
