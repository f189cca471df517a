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
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    field_validator,
)

from kraken_doctor.catalog import _format_validation, load_catalog
from kraken_doctor.mock.nonces import MAX_NONCE
from kraken_doctor.mock.signing import SecretError, decode_secret
from kraken_doctor.protocol import mask_key

DEMO_FILE = "demo_accounts.yml"
#: Balances must stay below this (a mock account never needs more).
MAX_AMOUNT = Decimal(10) ** 15
#: The widest nonce window an account may have. Kraken recommends 10-15 seconds of nonces;
#: this allows 100 seconds at python-kraken-sdk's resolution (10**8 nonces a second), and
#: keeps a window from covering every nonce a client will ever send.
MAX_NONCE_WINDOW = 10**10
BOT = "bot"


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
        """An account with a random key and secret of the sizes the catalog gives Kraken's.

        So a generated pair passes the doctor's hygiene check, which reads the same sizes.
        """
        kraken = load_catalog().kraken
        key = base64.b64encode(_secrets.token_bytes(kraken.api_key_bytes)).decode()
        secret = base64.b64encode(_secrets.token_bytes(kraken.secret_bytes)).decode()
        return cls(name=name, key=key, secret=secret, permissions=list(permissions), **kw)


def _is_amount(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return False
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    # copy_abs, not abs(): abs() rounds to the context and overflows on '1e999999999'.
    return amount.is_finite() and amount.copy_abs() < MAX_AMOUNT


Whole = Annotated[int, Strict()]
Text = Annotated[str, Strict(), StringConstraints(min_length=1)]


class AccountEntry(BaseModel):
    """One entry of an accounts file (and what an Account made in code must satisfy).

    Validated the way the catalog is (pydantic; errors name the entry and the field).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    key: Text
    secret: Text
    permissions: list[str]
    without: list[str] = Field(default_factory=list)
    balances: dict[str, Any] = Field(default_factory=dict)
    otp: Annotated[str, Strict(), StringConstraints(min_length=1)] | Whole | None = None
    tier: str = "starter"
    nonce_window: Whole = Field(0, ge=0, le=MAX_NONCE_WINDOW)
    last_nonce: Whole = Field(0, ge=0, le=MAX_NONCE)
    ip_allowlist: list[Annotated[str, Strict()]] = Field(default_factory=list)
    valid_until: Whole = Field(0, ge=0, le=MAX_NONCE)
    about: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty text")
        return value

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("must be a non-empty text without surrounding spaces")
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        try:
            decode_secret(value)
        except SecretError:
            raise ValueError(
                "is not valid base64 (a Kraken private key ends in '=' or '==')"
            ) from None
        return value

    @field_validator("permissions", "without")
    @classmethod
    def _permission_ids(cls, value: list[str]) -> list[str]:
        known = [p.id for p in load_catalog().permissions]
        for pid in value:
            if pid not in known and pid != BOT:
                raise ValueError(f"unknown permission {pid!r}; known: {', '.join(known)}")
        return value

    @field_validator("balances")
    @classmethod
    def _balances(cls, value: dict[str, Any]) -> dict[str, Any]:
        for asset, amount in value.items():
            if not _is_amount(amount):
                raise ValueError(
                    f"{asset!r}: amount {amount!r} is not an amount like '1250.00' "
                    f"(a number below {MAX_AMOUNT:,})"
                )
        return value

    @field_validator("tier")
    @classmethod
    def _tier(cls, value: str) -> str:
        tiers = [t.id for t in load_catalog().rate_tiers]
        if value not in tiers:
            raise ValueError(f"unknown tier {value!r}; known: {', '.join(tiers)}")
        return value

    def account(self) -> Account:
        """The Account: `bot` expanded to the bot's permissions, `without` removed."""
        expanded: list[str] = []
        for pid in self.permissions:
            for p in bot_permissions() if pid == BOT else [pid]:
                if p not in expanded:
                    expanded.append(p)
        return Account(
            name=self.name,
            key=self.key,
            secret=self.secret,
            permissions=[p for p in expanded if p not in self.without],
            balances={a: str(v) for a, v in self.balances.items()},
            otp=None if self.otp is None else str(self.otp),
            tier=self.tier,
            nonce_window=self.nonce_window,
            last_nonce=self.last_nonce,
            ip_allowlist=list(self.ip_allowlist),
            valid_until=self.valid_until,
            about=self.about,
        )


class AccountsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[AccountEntry] = Field(min_length=1)


_FIELDS = tuple(AccountEntry.model_fields)


def _problem(acc: Account) -> tuple[str, str] | None:
    """The first invalid field of an Account made in code, and what is wrong with it."""
    data = {f: getattr(acc, f) for f in _FIELDS if f != "without"}
    try:
        AccountEntry.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        return str(loc[0]) if loc else "(account)", err["msg"].removeprefix("Value error, ")
    if BOT in acc.permissions:
        return "permissions", f"{BOT!r} stands for the bot's permissions only in a file"
    return None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where the YAML is broken, without echoing the line (it may hold a secret)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "cannot be parsed"
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"not valid YAML{where}: {problem}"


def parse_accounts(text: str, source: str = "accounts file") -> list[Account]:
    """Accounts from YAML text (`keys: [...]`); errors name `source`, the entry and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AccountsFileError(f"{source}: {_yaml_problem(exc)}") from None
    except (RecursionError, ValueError):
        # nesting deeper than the parser goes, or an integer of thousands of digits
        raise AccountsFileError(
            f"{source}: not valid YAML: nested too deep, or a number too long"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise AccountsFileError(f"{source}: expected a top-level 'keys:' list of accounts")
    if not data["keys"]:
        raise AccountsFileError(f"{source}: 'keys' is empty; add at least one account")
    for i, raw in enumerate(data["keys"]):
        if not isinstance(raw, dict):
            raise AccountsFileError(
                f"{source}: keys[{i}]: expected a mapping with name, key, secret, ..."
            )
    try:
        parsed = AccountsFile.model_validate(data)
    except ValidationError as exc:
        raise AccountsFileError(
            _format_validation(source, data, exc, what="the accounts file")
        ) from None
    except RecursionError:
        raise AccountsFileError(f"{source}: the accounts file nests too deep") from None
    accounts: list[Account] = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for i, entry in enumerate(parsed.keys):
        where = f"{source}: keys[{i}] (name {entry.name!r})"
        if entry.name in seen_names:
            raise AccountsFileError(
                f"{where}, field 'name': duplicate of keys[{seen_names[entry.name]}]"
            )
        if entry.key in seen_keys:
            raise AccountsFileError(
                f"{where}, field 'key': the same key as keys[{seen_keys[entry.key]}]"
            )
        seen_names[entry.name] = i
        seen_keys[entry.key] = i
        accounts.append(entry.account())
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
