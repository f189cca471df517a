"""Mock accounts: one API key each, with its permissions, balances and key settings.

Accounts come from a YAML file (`load_accounts`), the packaged demo set (`demo_accounts`) or
code (`Account(...)`, `Account.generate(...)`). Permission ids are the catalog's (Kraken's
GetApiKeyInfo slugs). In a file, the word `bot` in `permissions` stands for every permission
the catalog marks as needed by the bot, and `without` removes some, so the demo set never
copies the bot's permission list.
"""

from __future__ import annotations

import base64
import secrets as _secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock.signing import SecretError, decode_secret
from kraken_doctor.protocol import mask_key

DEMO_FILE = "demo_accounts.yml"
#: Balances must stay below this (a mock account never needs more).
MAX_AMOUNT = Decimal(10) ** 15
BOT = "bot"

_FIELDS = (
    "name",
    "key",
    "secret",
    "permissions",
    "without",
    "balances",
    "otp",
    "tier",
    "nonce_window",
    "last_nonce",
    "ip_allowlist",
    "valid_until",
    "about",
)


class AccountsFileError(ValueError):
    """An accounts file or an Account is not valid; the message names the entry and field."""


def bot_permissions() -> list[str]:
    """The ids of every permission the bot needs, in the catalog's (Kraken's UI) order."""
    return [p.id for p in load_catalog().required_permissions]


@dataclass(eq=False)
class Account:
    """One API key on the mock. Mutable: the server updates `last_nonce` as calls arrive."""

    name: str
    key: str
    secret: str
    permissions: list[str]
    balances: dict[str, str] = field(default_factory=dict)
    otp: str | None = None
    tier: str = "starter"
    nonce_window: int = 0
    last_nonce: int = 0
    ip_allowlist: list[str] = field(default_factory=list)
    valid_until: int = 0
    about: str = ""

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            field_name, message = problem
            raise AccountsFileError(f"account {self.name!r}, field {field_name!r}: {message}")

    def __repr__(self) -> str:  # never the secret, never the whole key
        return (
            f"Account(name={self.name!r}, key={mask_key(self.key)!r}, "
            f"permissions={self.permissions!r}, tier={self.tier!r})"
        )

    @classmethod
    def generate(cls, name: str, permissions: list[str], **kw: Any) -> Account:
        """An account with a random key (56 characters) and secret (base64 of 64 bytes)."""
        key = base64.b64encode(_secrets.token_bytes(42)).decode()
        secret = base64.b64encode(_secrets.token_bytes(64)).decode()
        return cls(name=name, key=key, secret=secret, permissions=list(permissions), **kw)


def _problem(acc: Account) -> tuple[str, str] | None:
    """The first invalid field of `acc` and what is wrong with it."""
    cat = load_catalog()
    if not isinstance(acc.name, str) or not acc.name.strip():
        return "name", "must be a non-empty text"
    if not isinstance(acc.key, str) or not acc.key or acc.key != acc.key.strip():
        return "key", "must be a non-empty text without surrounding spaces"
    if not isinstance(acc.secret, str) or not acc.secret:
        return "secret", "must be the base64 private key"
    try:
        decode_secret(acc.secret)
    except SecretError:
        return "secret", "is not valid base64 (a Kraken private key ends in '=' or '==')"
    if not isinstance(acc.permissions, list):
        return "permissions", "must be a list of permission ids"
    known = [p.id for p in cat.permissions]
    for pid in acc.permissions:
        if pid not in known:
            return "permissions", f"unknown permission {pid!r}; known: {', '.join(known)}"
    if not isinstance(acc.balances, dict):
        return "balances", "must map asset codes to amounts, e.g. {ZUSD: '1250.00'}"
    for asset, amount in acc.balances.items():
        if not isinstance(asset, str) or not _is_amount(amount):
            return "balances", (
                f"{asset!r}: amount {amount!r} is not an amount like '1250.00' "
                f"(a number below {MAX_AMOUNT:,})"
            )
    if acc.otp is not None and (not isinstance(acc.otp, str) or not acc.otp):
        return "otp", "must be a text such as '123456' (quote it in YAML)"
    tiers = [t.id for t in cat.rate_tiers]
    if acc.tier not in tiers:
        return "tier", f"unknown tier {acc.tier!r}; known: {', '.join(tiers)}"
    for name in ("nonce_window", "last_nonce", "valid_until"):
        value = getattr(acc, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return name, "must be a whole number, 0 or more"
    if not isinstance(acc.ip_allowlist, list) or not all(
        isinstance(a, str) for a in acc.ip_allowlist
    ):
        return "ip_allowlist", "must be a list of addresses or CIDR ranges"
    return None


def _is_amount(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return False
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    # copy_abs, not abs(): abs() rounds to the context and overflows on '1e999999999'.
    return amount.is_finite() and amount.copy_abs() < MAX_AMOUNT


def _entry(i: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"keys[{i}] (name {name!r})" if isinstance(name, str) else f"keys[{i}]"


def _build(raw: dict[str, Any], where: str) -> Account:
    unknown = [k for k in raw if k not in _FIELDS]
    if unknown:
        raise AccountsFileError(
            f"{where}, field {unknown[0]!r}: unknown field (check its spelling); "
            f"allowed: {', '.join(_FIELDS)}"
        )
    for required in ("name", "key", "secret", "permissions"):
        if raw.get(required) in (None, ""):
            raise AccountsFileError(f"{where}, field {required!r}: missing")
    perms = raw["permissions"]
    if not isinstance(perms, list):
        raise AccountsFileError(f"{where}, field 'permissions': must be a list")
    expanded: list[str] = []
    for pid in perms:
        for p in bot_permissions() if pid == BOT else [pid]:
            if p not in expanded:
                expanded.append(p)
    without = raw.get("without") or []
    if not isinstance(without, list):
        raise AccountsFileError(f"{where}, field 'without': must be a list of permission ids")
    known = {p.id for p in load_catalog().permissions}
    for pid in without:
        if pid not in known:
            raise AccountsFileError(f"{where}, field 'without': unknown permission {pid!r}")
    kwargs = {k: v for k, v in raw.items() if k not in ("permissions", "without")}
    if isinstance(kwargs.get("balances"), dict):
        kwargs["balances"] = {str(a): str(v) for a, v in kwargs["balances"].items()}
    if isinstance(kwargs.get("otp"), int) and not isinstance(kwargs.get("otp"), bool):
        kwargs["otp"] = str(kwargs["otp"])
    for text_field in ("key", "secret", "name"):
        if not isinstance(kwargs.get(text_field), str):
            raise AccountsFileError(f"{where}, field {text_field!r}: must be a text (quote it)")
    try:
        return Account(permissions=[p for p in expanded if p not in without], **kwargs)
    except AccountsFileError as exc:
        # Re-word "account 'x', field ..." with the file position.
        detail = str(exc).split(", field ", 1)[1]
        raise AccountsFileError(f"{where}, field {detail}") from None


def parse_accounts(text: str, source: str = "accounts file") -> list[Account]:
    """Accounts from YAML text (`keys: [...]`); errors name `source`, the entry and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AccountsFileError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise AccountsFileError(f"{source}: expected a top-level 'keys:' list of accounts")
    accounts: list[Account] = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for i, raw in enumerate(data["keys"]):
        where = f"{source}: {_entry(i, raw)}"
        if not isinstance(raw, dict):
            raise AccountsFileError(f"{where}: expected a mapping with name, key, secret, ...")
        acc = _build(raw, where)
        if acc.name in seen_names:
            raise AccountsFileError(
                f"{where}, field 'name': duplicate of keys[{seen_names[acc.name]}]"
            )
        if acc.key in seen_keys:
            raise AccountsFileError(
                f"{where}, field 'key': the same key as keys[{seen_keys[acc.key]}]"
            )
        seen_names[acc.name] = i
        seen_keys[acc.key] = i
        accounts.append(acc)
    if not accounts:
        raise AccountsFileError(f"{source}: 'keys' is empty; add at least one account")
    return accounts


def load_accounts(path: str | Path) -> list[Account]:
    """Accounts from a YAML file (format on the site's mock page)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise AccountsFileError(f"{p}: cannot read the accounts file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise AccountsFileError(f"{p}: the accounts file is not UTF-8 text") from None
    return parse_accounts(text, str(p))


def demo_accounts() -> list[Account]:
    """Fresh copies of the built-in demo accounts (fixed, fake keys; state is per copy)."""
    text = resources.files("kraken_doctor.mock").joinpath(DEMO_FILE).read_text(encoding="utf-8")
    return parse_accounts(text, f"kraken_doctor/mock/{DEMO_FILE}")
