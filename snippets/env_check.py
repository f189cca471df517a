"""Check the NIJA bot's Kraken environment variables without calling Kraken.

Usage:
    python env_check.py                            # the master and every user found
    python env_check.py alice_example bob_example  # also the users with these ids

Shows which variables are set (a key only by its last 4 characters, a secret never) and
finds what breaks a pasted key: spaces, quotes, line breaks (CR/LF), a secret missing
its "=" at the end, key and secret swapped, names the bot does not read, and two user ids
whose first names collide. Exit code 0 means no problem was found.
"""

import os
import re
import sys

MASTER = ("KRAKEN_MASTER_API_KEY", "KRAKEN_MASTER_API_SECRET")
LEGACY = ("KRAKEN_API_KEY", "KRAKEN_API_SECRET")  # read for the master only, if MASTER is empty
KNOWN = (*MASTER, *LEGACY, "KRAKEN_API_URL")
USER_NAME = re.compile(r"KRAKEN_USER_([A-Z0-9]+)_API_(KEY|SECRET)")


def user_names(user_id: str) -> tuple[str, str]:
    """The bot's rule: the user id up to its first underscore, upper-cased (john_smith -> JOHN)."""
    first = user_id.split("_", 1)[0].upper()
    return f"KRAKEN_USER_{first}_API_KEY", f"KRAKEN_USER_{first}_API_SECRET"


def meant(name: str) -> str:
    """The name the bot reads that a misspelt variable was probably meant to be, or ""."""
    upper = name.strip().upper()
    user = re.fullmatch(r"KRAKEN_USER_([A-Z0-9]+)\w*_API_(KEY|SECRET)", upper)
    if user:  # KRAKEN_USER_ALICE_EXAMPLE_API_KEY: the bot reads the first name only
        return f"KRAKEN_USER_{user[1]}_API_{user[2]}"
    return upper if upper in KNOWN else ""


def looks_like_secret(value: str) -> bool:
    """A Kraken secret is 88 characters ending in "="; a key is 56 characters without one."""
    return value.endswith("=") or len(value) > 64


# --8<-- [start:checks]
def problems_in(name: str, raw: str) -> list[str]:
    """What is wrong with one variable's value, in words that say how to fix it."""
    found = []
    value = raw.strip()
    if not value:
        return [f"{name} is set but blank: the bot treats it as not set. Paste the value again."]
    if "\r" in raw or "\n" in raw:
        found.append(f"{name} contains a line break (CR/LF): put the value on one line.")
    elif raw != value:
        found.append(f"{name} has spaces at the start or end: remove them.")
    if value[0] in "'\"" or value[-1] in "'\"":
        found.append(f"{name} is wrapped in quotes: remove them (they become part of the value).")
        value = value.strip("'\"")
    if not found and not re.fullmatch(r"[A-Za-z0-9+/]+=*", value):
        found.append(f"{name} has characters that a Kraken key or secret never contains.")
    elif name.endswith("_SECRET") and len(value) % 4:
        found.append(
            f'{name} is cut short: a Kraken secret ends in "=" and its length is a multiple'
            " of 4. Copy the whole private key again, with the = at the end."
        )
    return found


def pair_problems(key_name: str, secret_name: str) -> list[str]:
    key = os.environ.get(key_name, "").strip().strip("'\"")
    secret = os.environ.get(secret_name, "").strip().strip("'\"")
    if key and not secret or secret and not key:
        return [f"{secret_name if key else key_name} is missing: set both variables of the pair."]
    if key and looks_like_secret(key) and not looks_like_secret(secret):
        return [f"{key_name} and {secret_name} look swapped: the key is the shorter value."]
    return []
    # --8<-- [end:checks]


# What KRAKEN_API_URL may hold: scheme, host and port. A longer host name part than 40
# characters, or any other character, is more likely a pasted key than an address.
ADDRESS = r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]{1,40}(\.[A-Za-z0-9-]{1,40})*)(:\d{1,5})?"


def show(name: str) -> str:
    """How a variable is shown: a key by its last 4 characters, a secret never."""
    if name not in os.environ:
        return "not set"
    value = os.environ[name].strip().strip("'\"")
    if name.endswith("_KEY") and value and not looks_like_secret(value):
        return f"set, ends in …{value[-4:]}"
    if name.endswith(("_KEY", "_SECRET")) or not re.fullmatch(ADDRESS, value.rstrip("/")):
        return "set (hidden)"  # a plain address is shown; anything else may hold a key
    return f"set to {value}"


def main(user_ids: list[str]) -> int:
    problems = []
    # --8<-- [start:collisions]
    by_first: dict[str, list[str]] = {}
    for user_id in user_ids:
        by_first.setdefault(user_names(user_id)[0], []).append(user_id)
    for key_name, ids in by_first.items():
        if len(ids) > 1:
            problems.append(
                f"Users {' and '.join(ids)} both read {key_name}: the bot would give them the same"
                " key. Change one user id so the part before its first underscore differs."
            )
    # --8<-- [end:collisions]

    pairs = list(dict.fromkeys([MASTER, LEGACY] + [user_names(u) for u in user_ids]))
    for name in sorted(os.environ):
        user = USER_NAME.fullmatch(name)
        if user and user_names(user[1]) not in pairs:
            pairs.append(user_names(user[1]))
        elif not user and name.upper().startswith("KRAKEN") and name not in KNOWN:
            hint = f"did you mean {meant(name)}?" if meant(name) else "check its spelling."
            problems.append(f"{name} is not a name the bot reads: {hint}")

    print("Kraken variables (a key is shown by its last 4 characters, a secret never):")
    for key_name, secret_name in pairs:
        for name in (key_name, secret_name):
            print(f"  {name:<32} {show(name)}")
            problems += problems_in(name, os.environ[name]) if name in os.environ else []
        problems += pair_problems(key_name, secret_name)
    print(f"  {'KRAKEN_API_URL':<32} {show('KRAKEN_API_URL')}")
    if show("KRAKEN_API_URL") == "set (hidden)":
        problems.append(
            "KRAKEN_API_URL is not a plain address such as https://api.kraken.com"
            " (scheme, host and port only)."
        )

    master = any(os.environ.get(name, "").strip() for name in MASTER)
    if not master and not any(os.environ.get(name, "").strip() for name in LEGACY):
        problems.append(f"The master account has no key: set {MASTER[0]} and {MASTER[1]}.")
    elif master and any(os.environ.get(name, "").strip() for name in LEGACY):
        problems.append(
            f"{MASTER[0]} and {LEGACY[0]} are both set: the bot ignores the legacy one."
        )
    for user_id in user_ids:
        if not os.environ.get(user_names(user_id)[0], "").strip():
            problems.append(f"User {user_id} has no key: set {' and '.join(user_names(user_id))}.")

    if not problems:
        print("\n✅ No problem found in the Kraken variables.")
        return 0
    print(f"\n❌ {len(problems)} problem(s):")
    print("\n".join(f"  - {p}" for p in problems))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
