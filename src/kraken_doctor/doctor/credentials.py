"""Find an account's key and secret by the bot's naming scheme (catalog `env_vars`).

The bot reads `KRAKEN_MASTER_API_*` for the master account (falling back to the legacy
`KRAKEN_API_*` pair only when the master pair is empty) and `KRAKEN_USER_<FIRST>_API_*` for
a user. Values come from the environment first, then from `.env` in the working directory,
as the bot's loader does. Every problem names the exact variable to set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kraken_doctor.catalog import Catalog, EnvVars
from kraken_doctor.doctor import errors
from kraken_doctor.doctor.model import Finding

MASTER = "master"


@dataclass
class Variable:
    """One variable as the bot would see it: its value and where the value came from."""

    name: str
    value: str | None
    source: str | None  # "environment", ".env" or None when not set anywhere
    shadowed_dotenv: bool = False  # set (maybe empty) in the environment while .env has a value

    @property
    def usable(self) -> bool:
        """What the bot counts as configured: set, and not only whitespace."""
        return bool(self.value and self.value.strip())


@dataclass
class Credentials:
    account: str
    key: Variable
    secret: Variable
    legacy: bool = False

    @property
    def source(self) -> str:
        sources = {v.source for v in (self.key, self.secret) if v.source}
        return " and ".join(sorted(sources)) or "not set"


def lookup(name: str, environ: Mapping[str, str], dotenv: Mapping[str, str]) -> Variable:
    """The variable as a bot loading `.env` without override would see it."""
    if name in environ:
        in_file = bool(dotenv.get(name, "").strip())
        return Variable(name, environ[name], "environment", in_file and not environ[name].strip())
    if name in dotenv:
        return Variable(name, dotenv[name], ".env")
    return Variable(name, None, None)


def names_for(env: EnvVars, account: str) -> tuple[str, str]:
    if account == MASTER:
        return env.master.key, env.master.secret
    return env.for_user(account)


_USER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def valid_user_id(account: str) -> bool:
    return account == MASTER or bool(_USER_ID.match(account))


def resolve(
    cat: Catalog, account: str, environ: Mapping[str, str], dotenv: Mapping[str, str]
) -> Credentials:
    """The pair the bot would use for `account`, with the legacy fallback for the master."""
    env = cat.env_vars
    key_name, secret_name = names_for(env, account)
    creds = Credentials(
        account, lookup(key_name, environ, dotenv), lookup(secret_name, environ, dotenv)
    )
    if account == MASTER and not creds.key.usable and not creds.secret.usable:
        legacy = Credentials(
            account,
            lookup(env.legacy.key, environ, dotenv),
            lookup(env.legacy.secret, environ, dotenv),
            legacy=True,
        )
        if legacy.key.usable or legacy.secret.usable:
            return legacy
    return creds


def check(cat: Catalog, creds: Credentials, env_file: Path | None) -> list[Finding]:
    """Findings for a missing, empty or whitespace-only variable, each naming the variable."""
    out: list[Finding] = []
    where = f"the environment or {env_file}" if env_file else "the environment or a .env file"
    url = errors.url(cat, errors.INVALID_KEY)
    for var, what in ((creds.key, "API key"), (creds.secret, "private key (secret)")):
        if var.value is None:
            out.append(
                Finding(
                    "credentials",
                    "fail",
                    "variable-missing",
                    f"{var.name} is not set in {where}.",
                    f"Set {var.name} to the {what} of this account's Kraken key, then restart.",
                    url,
                    var.name,
                )
            )
        elif not var.value.strip():
            detail = "empty" if not var.value else "set but contains only whitespace"
            hint = (
                f" It hides the value in .env: the environment wins; unset {var.name} there."
                if var.shadowed_dotenv
                else ""
            )
            out.append(
                Finding(
                    "credentials",
                    "fail",
                    "variable-empty",
                    f"{var.name} is {detail} ({var.source}); the bot treats it as not set.{hint}",
                    f"Paste the {what} into {var.name} again, then restart.",
                    url,
                    var.name,
                )
            )
    if creds.legacy and not out:
        env = cat.env_vars
        out.append(
            Finding(
                "credentials",
                "warn",
                "legacy-names",
                f"Found the legacy pair {env.legacy.key} / {env.legacy.secret}; "
                f"{env.master.key} / {env.master.secret} are empty.",
                f"Rename them to {env.master.key} and {env.master.secret}.",
                None,
                env.legacy.key,
            )
        )
    if not out:
        out.append(
            Finding(
                "credentials",
                "pass",
                "variables-found",
                f"{creds.key.name} and {creds.secret.name} are set ({creds.source}).",
            )
        )
    return out


def users_in_env(cat: Catalog, environ: Mapping[str, str], dotenv: Mapping[str, str]) -> list[str]:
    """The lower-case first names of every `KRAKEN_USER_<FIRST>_API_KEY` that is set."""
    pattern = re.escape(cat.env_vars.user.key).replace(re.escape("{FIRST}"), "([A-Z0-9]+)")
    found: set[str] = set()
    for name in list(environ) + list(dotenv):
        m = re.fullmatch(pattern, name)
        if m:
            found.add(m.group(1).lower())
    return sorted(found)


def users_in_config(directory: str | Path) -> list[str]:
    """User ids from the bot's `config/users/*.json` files (Kraken users only), if any.

    Both of the bot's formats are read: arrays of user objects with `user_id` and
    `broker_type`, and one file per user named `<user_id>.json` with a `broker` field.
    """
    ids: list[str] = []
    folder = Path(directory) / "config" / "users"
    try:
        files = sorted(folder.glob("*.json"))
    except OSError:
        return ids
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entries = data if isinstance(data, list) else [data]
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("enabled", True) is False:
                continue
            broker = str(entry.get("broker_type") or entry.get("broker") or "").lower()
            if "kraken" not in broker:
                continue
            uid = entry.get("user_id") if isinstance(data, list) else path.stem
            if isinstance(uid, str) and valid_user_id(uid) and uid not in ids:
                ids.append(uid)
    return ids
