"""Reading a request's body the way Kraken accepts it: form-encoded or JSON.

The signature covers the body exactly as sent, so the raw bytes are kept next to the parsed
parameters. Bodies over `MAX_BODY` bytes, bodies that are not UTF-8 and JSON that is not an
object are refused before anything else looks at them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

MAX_BODY = 64 * 1024
#: How much of an oversized body is read and thrown away, so the client sees the answer
#: instead of a reset connection.
DRAIN_LIMIT = 16 * 1024 * 1024


class BadBody(ValueError):
    """The body cannot be read as Kraken's form or JSON encoding."""


@dataclass(frozen=True)
class Body:
    raw: bytes
    params: dict[str, Any]
    #: the nonce's text as the client put it in the body (what it signed), or None
    nonce_text: str | None


def is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/json"


def parse_body(raw: bytes, content_type: str | None) -> Body:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("the body is not UTF-8") from None
    if is_json(content_type):
        try:
            data = json.loads(text) if text.strip() else {}
        except (ValueError, RecursionError):
            # RecursionError: nesting deeper than Python's parser goes; ValueError includes
            # integers of more than 4300 digits.
            raise BadBody("the body is not valid JSON, or nests too deep") from None
        if not isinstance(data, dict):
            raise BadBody("a JSON body must be an object")
        nonce = data.get("nonce")
        if isinstance(nonce, bool) or not isinstance(nonce, int | str | None):
            nonce_text: str | None = json.dumps(nonce)
        else:
            nonce_text = None if nonce is None else str(nonce)
        return Body(raw, data, nonce_text)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        raise BadBody("the body is not form-encoded") from None
    params: dict[str, Any] = {}
    for k, v in pairs:
        params[k] = v  # the last value of a repeated field wins
    nonce = params.get("nonce")
    return Body(raw, params, nonce if isinstance(nonce, str) else None)
