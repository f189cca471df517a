"""Find an account's key and secret by the bot's naming scheme (catalog `env_vars`).

The bot reads `KRAKEN_MASTER_API_*` for the master account (falling back to the legacy
`KRAKEN_API_*` pair only when the master pair is empty) and `KRAKEN_USER_<FIRST>_API_*` for
a user. Values come from the environment first, then from `.env` in the working directory,
as the bot's loader does. Every problem names the exact variable to set.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kraken_doctor.catalog import Catalog, EnvVars
from kraken_doctor.doctor.model import MASTER, MASTER_LABEL, USER_PREFIX, Finding, account_label
from kraken_doctor.links import page_url
from kraken_doctor.protocol import mask_key

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context, Run

#: `--account all` (and no --account): every account the bot would load
ALL = "all"
#: a run of key-alphabet characters long enough to be a key, a secret or a large part of one
_CREDENTIAL_RUN = re.compile(r"[A-Za-z0-9+/=_-]{16,}")

label = account_label


def credential_shaped(text: str) -> bool:
    """Whether `text` holds something shaped like a Kraken key or secret (random base64)."""
    return any(
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
        for run in _CREDENTIAL_RUN.findall(text)
    )


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


def account_from(text: str) -> str | None:
    """The account a name on the command line means, or None when it is not one.

    Accepts the bot's log labels exactly as printed (`MASTER`, `USER:alice_example`) as well
    as `master` and a bare user id, so a reader can copy the label from the log line.
    """
    name = text.strip()
    if name.upper() == MASTER_LABEL:
        return MASTER
    if name[: len(USER_PREFIX)].upper() == USER_PREFIX:
        name = name[len(USER_PREFIX) :].strip()
        if name.upper() == MASTER_LABEL:
            return None
    return name if name and valid_user_id(name) else None


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
    url = page_url(cat.env_vars.guide, cat)  # a variable to set, not a key Kraken refused
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
    """The lower-case first names of every user whose key or secret variable is set.

    Either variable counts: a user with only one of the pair set is half configured, and the
    check then names the missing one.
    """
    patterns = [
        re.escape(template).replace(re.escape("{FIRST}"), "([A-Z0-9]+)")
        for template in (cat.env_vars.user.key, cat.env_vars.user.secret)
    ]
    found: set[str] = set()
    for name in list(environ) + list(dotenv):
        for pattern in patterns:
            m = re.fullmatch(pattern, name)
            if m:
                found.add(m.group(1).lower())
    return sorted(found)


#: a users file larger than this is not a bot's config (the bot's files are a few KiB)
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass
class UserConfigs:
    """The Kraken user ids in the bot's `config/users/*.json`, and files that could not be read."""

    ids: list[str]
    problems: list[Finding]


def _config_problem(path: Path, why: str) -> Finding:
    return Finding(
        "credentials",
        "warn",
        "user-config-unreadable",
        f"{path} {why}; the users it may list were not checked.",
        "Fix the file (the bot cannot read it either), or move it out of config/users.",
    )


def read_user_configs(directory: str | Path) -> UserConfigs:
    """User ids from the bot's `config/users/*.json` files (Kraken users only), if any.

    Both of the bot's formats are read: arrays of user objects with `user_id` and
    `broker_type`, and one file per user named `<user_id>.json` with a `broker` field. A file
    that is not a regular file (a FIFO would block forever), too large, not JSON, or nested
    too deeply is skipped with a warning naming it.
    """
    out = UserConfigs([], [])
    folder = Path(directory) / "config" / "users"
    try:
        files = sorted(folder.glob("*.json"))
    except OSError:
        return out
    for path in files:
        try:
            if not path.is_file():
                out.problems.append(_config_problem(path, "is not a regular file"))
                continue
            if path.stat().st_size > MAX_CONFIG_BYTES:
                out.problems.append(_config_problem(path, "is larger than 1 MiB"))
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
        except RecursionError:
            out.problems.append(_config_problem(path, "is nested too deeply to read"))
            continue
        except UnicodeDecodeError:
            out.problems.append(_config_problem(path, "is not UTF-8 text"))
            continue
        except ValueError:
            out.problems.append(_config_problem(path, "is not valid JSON"))
            continue
        except OSError as exc:
            out.problems.append(_config_problem(path, f"cannot be read ({exc.strerror})"))
            continue
        entries = data if isinstance(data, list) else [data]
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("enabled", True) is False:
                continue
            broker = str(entry.get("broker_type") or entry.get("broker") or "").lower()
            if "kraken" not in broker:
                continue
            uid = entry.get("user_id") if isinstance(data, list) else path.stem
            if isinstance(uid, str) and valid_user_id(uid) and uid not in out.ids:
                out.ids.append(uid)
    return out


def first_name_collisions(env: EnvVars, user_ids: Iterable[str]) -> list[tuple[list[str], Finding]]:
    """Users the bot cannot tell apart (same first name, same variables), and the finding."""
    by_first: dict[str, list[str]] = {}
    for uid in user_ids:
        by_first.setdefault(env.first_name(uid), []).append(uid)
    out = []
    for first, ids in sorted(by_first.items()):
        if len(ids) > 1:
            key_name, secret_name = env.for_user(ids[0])
            out.append(
                (
                    ids,
                    Finding(
                        "hygiene",
                        "fail",
                        "first-name-collision",
                        f"Users {', '.join(ids)} share the first name {first}: the bot reads "
                        f"{key_name} and {secret_name} for all of them, so they trade with one "
                        "key.",
                        "Give each user a user_id with a different first part (before the first "
                        "underscore), then set that user's variables.",
                        None,
                        key_name,
                    ),
                )
            )
    return out


def _bad_account(cat: Catalog, given: str) -> Finding:
    example = cat.env_vars.example_users[0]
    # A key pasted into --account is not repeated back.
    shown = "That --account value" if credential_shaped(given) else repr(given[:40])
    return Finding(
        "credentials",
        "error",
        "bad-account",
        f"{shown} is not an account name: use {MASTER_LABEL}, {label(example)} (as the bot's "
        f"log prints them), {example}, or {ALL}.",
        f"Pass --account {MASTER_LABEL}, --account {label(example)}, or leave --account out "
        "to check every account.",
    )


def select(run: Run) -> list[Finding]:
    """Which accounts to check: every account the bot would load unless `--account` says.

    The bot loads the master (or the legacy pair), every Kraken user of its config files and,
    by the variables' names, every user whose variables are set; a config user and a variable
    with the same first name are one account, named by the config's user id. Also finds the
    users the bot cannot tell apart, among every user known.
    """
    cat = run.cat
    configs = read_user_configs(run.opts.cwd or os.getcwd())
    configured = configs.ids
    findings = list(configs.problems)
    wanted: list[str] = []
    for a in run.opts.accounts or [ALL]:
        if a.strip().lower() == ALL:
            wanted.append(MASTER)
            firsts = {cat.env_vars.first_name(u) for u in configured}
            wanted.extend(configured)
            wanted.extend(
                u
                for u in users_in_env(cat, run.environ, run.dotenv)
                if cat.env_vars.first_name(u) not in firsts
            )
            continue
        name = account_from(a)
        if name is None:
            findings.append(_bad_account(cat, a))
            continue
        wanted.append(name)
    run.accounts = list(dict.fromkeys(wanted))
    run.users = [a for a in dict.fromkeys(configured + run.accounts) if a != MASTER]
    run.collisions = first_name_collisions(cat.env_vars, run.users)
    return findings


def run(ctx: Context) -> list[Finding]:
    """The account's variables are set and not empty, and no other user reads the same ones.

    Only then is the key shown, by its last four characters.
    """
    out = check(ctx.cat, ctx.creds, ctx.run.env_file.path)
    out += [f for ids, f in ctx.run.collisions if ctx.report.account in ids]
    if not any(f.status == "fail" for f in out):
        ctx.report.key_hint = mask_key(ctx.creds.key.value or "")
    return out
