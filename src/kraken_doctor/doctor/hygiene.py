"""Catch the copy-and-paste damage that makes a correct key fail, before any request is sent.

The bot trims spaces around a value (`.strip()`), so surrounding whitespace is only a warning.
Everything else here changes the bytes the bot sends or signs with: quotes kept by a
platform's variable editor, a line break or an invisible character pasted from a PDF or chat,
a private key that lost the `=` at its end or does not decode to the catalog's size, key and
secret swapped, a Kraken Futures key pair. Messages name the variable and the character
position, never the value.
"""

from __future__ import annotations

import base64
import binascii
import string
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kraken_doctor.catalog import Catalog, KrakenPages
from kraken_doctor.doctor import errors
from kraken_doctor.doctor.credentials import Credentials, Variable
from kraken_doctor.doctor.credentials import first_name_collisions as first_name_collisions
from kraken_doctor.doctor.model import Finding
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context

_B64 = set(string.ascii_letters + string.digits + "+/=")
_QUOTES = "'\"`\u2018\u2019\u201c\u201d\u00ab\u00bb"


def _char_name(ch: str) -> str:
    controls = {"\r": "CARRIAGE RETURN", "\n": "LINE FEED", "\t": "TAB"}
    name = unicodedata.name(ch, "") or controls.get(ch, "CONTROL CHARACTER")
    return f"U+{ord(ch):04X} {name}"


def decode_strict(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _fail(code: str, var: Variable, message: str, fix: str, url: str) -> Finding:
    return Finding("hygiene", "fail", code, message, fix, url, var.name)


def _text_problems(var: Variable, what: str, url: str) -> list[Finding]:
    """Problems any credential value can have; the value is never shown."""
    raw = var.value or ""
    value = raw.strip()
    out: list[Finding] = []
    if raw != value:
        breaks = any(c in "\r\n" for c in raw)
        kind = "a line break (CR/LF)" if breaks else "spaces"
        out.append(
            Finding(
                "hygiene",
                "warn",
                "surrounding-whitespace",
                f"{var.name} has {kind} around the value. The bot trims them; other tools may "
                "send them and fail.",
                f"Paste the {what} into {var.name} again without {kind}.",
                url,
                var.name,
            )
        )
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
        out.append(
            _fail(
                "quoted-value",
                var,
                f"{var.name} is wrapped in quotes; the quotes become part of the value.",
                f"Remove the quotes around the value of {var.name}.",
                url,
            )
        )
        value = value[1:-1]
    for i, ch in enumerate(value, start=1):
        if ch in "\r\n":
            out.append(
                _fail(
                    "line-break-inside",
                    var,
                    f"{var.name} has a line break at character {i} ({_char_name(ch)}).",
                    f"Paste the {what} into {var.name} again as one line.",
                    url,
                )
            )
            break
        if not ch.isascii() or not ch.isprintable() or ch.isspace():
            visible = "a space" if ch == " " else "an invisible or non-ASCII character"
            out.append(
                _fail(
                    "invisible-character",
                    var,
                    f"{var.name} has {visible} at character {i} ({_char_name(ch)}).",
                    f"Type or paste the {what} into {var.name} again from a plain-text editor.",
                    url,
                )
            )
            break
    if not any(f.status == "fail" for f in out):
        odd = [c for c in value if c not in _B64]
        if "<" in value or "your" in value.lower() or value.lower() in ("changeme", "xxx"):
            out.append(
                _fail(
                    "placeholder",
                    var,
                    f"{var.name} still holds a placeholder, not a Kraken {what}.",
                    f"Replace it with the {what} from kraken.com (Settings, then API).",
                    url,
                )
            )
        elif odd:
            out.append(
                _fail(
                    "not-base64",
                    var,
                    f"{var.name} contains {_char_name(odd[0])}, which never appears in a "
                    f"Kraken {what}.",
                    f"Copy the {what} again into {var.name}.",
                    url,
                )
            )
    return out


def _secret_words(kraken: KrakenPages) -> str:
    """How a private key looks, worked out from the catalog's `secret_bytes`: its number of
    characters, and the `=` it ends in when it has any."""
    end = f" ending in '{kraken.secret_padding}'" if kraken.secret_padding else ""
    return f"{kraken.secret_length} characters{end}"


def _secret_shape(kraken: KrakenPages, var: Variable, url_sig: str, url_key: str) -> list[Finding]:
    """A private key that does not decode to the catalog's `secret_bytes`, and why not."""
    want = kraken.secret_bytes
    value = (var.value or "").strip()
    raw = decode_strict(value)
    if raw is not None and len(raw) == want:
        return []
    padded = value + "=" * (-len(value) % 4)
    fixed = decode_strict(padded) if padded != value else None
    if fixed is not None and len(fixed) == want:
        return [
            _fail(
                "missing-padding",
                var,
                f"{var.name} is missing {len(padded) - len(value)} '=' at the end: a Kraken "
                f"private key is {_secret_words(kraken)}. Browsers often leave the "
                f"'{kraken.secret_padding}' out when you double-click to select.",
                f"Add the missing '=' to the end of {var.name} (or copy the private key again).",
                url_sig,
            )
        ]
    if "=" not in value and len(value) >= 80:
        return [
            _fail(
                "futures-key",
                var,
                f"{var.name} has the shape of a Kraken Futures private key (no '=' at the end, "
                f"and it does not decode to {want} bytes). Futures keys work only on "
                "futures.kraken.com, not on the spot API the bot uses.",
                "Create a spot API key on kraken.com (Settings, then API) and use it instead.",
                url_key,
            )
        ]
    size = len(raw) if raw is not None else (len(fixed) if fixed is not None else None)
    detail = f"decodes to {size} bytes" if size is not None else "is not valid base64"
    return [
        _fail(
            "secret-length",
            var,
            f"{var.name} {detail}; a Kraken private key is base64 of {want} bytes "
            f"({_secret_words(kraken)}).",
            f"Copy the whole private key into {var.name}; if you no longer have it, create a "
            "new key.",
            url_sig,
        )
    ]


def check(cat: Catalog, creds: Credentials) -> list[Finding]:
    """Findings on the two values of one account (only when both are set)."""
    url_key = errors.url(cat, KnownError.INVALID_KEY)
    url_sig = errors.url(cat, KnownError.INVALID_SIGNATURE)
    key, secret = creds.key, creds.secret
    out = _text_problems(key, "API key", url_key) + _text_problems(secret, "private key", url_sig)
    if any(f.status == "fail" for f in out):
        return out
    k, s = (key.value or "").strip(), (secret.value or "").strip()
    k_raw, s_raw = decode_strict(k), decode_strict(s)
    if k == s:
        out.append(
            _fail(
                "same-value",
                key,
                f"{key.name} and {secret.name} hold the same value.",
                f"Put the API key in {key.name} and the private key in {secret.name}.",
                url_key,
            )
        )
    elif (
        k_raw is not None
        and len(k_raw) == cat.kraken.secret_bytes
        and (s_raw is None or len(s_raw) != cat.kraken.secret_bytes)
    ):
        out.append(
            _fail(
                "swapped",
                key,
                f"{key.name} looks like a private key and {secret.name} like an API key: "
                "they are swapped.",
                f"Swap the values of {key.name} and {secret.name}.",
                url_key,
            )
        )
    else:
        out.extend(_secret_shape(cat.kraken, secret, url_sig, url_key))
    key_length_ok = len(k) == cat.kraken.api_key_length
    if not key_length_ok and not out:
        out.append(
            Finding(
                "hygiene",
                "warn",
                "key-length",
                f"{key.name} holds {len(k)} characters; Kraken's API keys have "
                f"{cat.kraken.api_key_length}. Part of it may be missing, or something extra "
                "was pasted.",
                f"Copy the API key again, whole, into {key.name}.",
                url_key,
                key.name,
            )
        )
    if key_length_ok and not any(f.status == "fail" for f in out):
        out.append(
            Finding(
                "hygiene",
                "pass",
                "values-clean",
                f"{key.name} and {secret.name} have the shape of a Kraken spot key pair.",
            )
        )
    return out


def shared_keys(
    cat: Catalog, pairs: Iterable[tuple[str, str, str]]
) -> list[tuple[list[str], Finding]]:
    """Accounts that use one key: their nonces collide and they share one rate counter.

    `pairs` holds (account, key variable, key value); values are compared, never shown.
    """
    seen: dict[str, tuple[str, str]] = {}
    out = []
    for account, var, value in pairs:
        v = value.strip()
        if not v:
            continue
        if v in seen:
            other, other_var = seen[v]
            out.append(
                (
                    [other, account],
                    Finding(
                        "hygiene",
                        "warn",
                        "shared-key",
                        f"{var} ({account}) holds the same key as {other_var} ({other}). Two "
                        "programs or accounts on one key send clashing nonces "
                        f"({errors.err(cat, KnownError.INVALID_NONCE)}) and share one rate "
                        "counter.",
                        "Create a separate key for each account and program.",
                        errors.url(cat, KnownError.INVALID_NONCE),
                        var,
                    ),
                )
            )
        else:
            seen[v] = (account, var)
    return out


def run(ctx: Context) -> list[Finding]:
    """The account's values, before any request: damage that would make Kraken refuse them."""
    return check(ctx.cat, ctx.creds)


def across(contexts: list[Context]) -> None:
    """Across the accounts whose values look right: keys shared by two of them (a warning)."""
    pairs = [(c.report.account, c.creds.key.name, c.creds.key.value or "") for c in contexts]
    for ids, f in shared_keys(contexts[0].cat, pairs) if contexts else []:
        for c in contexts:
            if c.report.account in ids:
                c.report.add(f)
