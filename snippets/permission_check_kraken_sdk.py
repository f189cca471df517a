"""Which permission boxes are ticked on this Kraken API key (python-kraken-sdk version)?

Usage:
    python permission_check_kraken_sdk.py                        # the master account
    python permission_check_kraken_sdk.py --user alice_example   # the user alice_example

It asks Kraken with GetApiKeyInfo. On a server without that call it tries, for each box
the bot needs, a call that changes nothing (an order with validate=true, a cancel of an
order id that does not exist). It never calls Withdraw. Exit code 0 means the key is ready.
"""

import argparse
import os
import re
import sys
from typing import NoReturn

from kraken.spot import SpotClient

# --8<-- [start:permissions]
# The boxes on Kraken's "Edit API key" page, in its order, under its section headings:
# Kraken's name for the box, what the bot needs (need, NEVER or -), the label today,
# and after "|" the labels older pages and guides use.
BOXES = """
Funds permissions
 query-funds             need  Query | Query Funds
 add-funds               -     Deposit | Deposit Funds
 withdraw-funds          NEVER Withdraw | Withdraw Funds
 earn-funds              -     Earn | Earn Funds, Staking/unstaking
Orders and trades
 query-open-trades       need  Query open orders & trades | Query Open Orders & Trades
 query-closed-trades     need  Query closed orders & trades | Query Closed Orders & Trades
 modify-trades           need  Create & modify orders | Create & Modify Orders, Modify Orders
 close-trades            need  Cancel & close orders | Cancel/Close Orders
Data
 query-ledger            -     Query ledger entries | Query Ledger Entries
 export-data             -     Export data | Export Data
WebSocket interface
 create-ws-token         -     On | Access WebSockets API, Access WebSocket API, Get WebSocket Token
Withdrawal addresses
 add-withdraw-address    NEVER Add withdrawal addresses
 update-withdraw-address NEVER Update withdrawal addresses
"""
PERMISSIONS = {}  # Kraken's name -> (section, need/NEVER/-, label today, [older labels])
for row in BOXES.strip().splitlines():
    if not row.startswith(" "):
        section = row
        continue
    permission, bot, labels = row.split(maxsplit=2)
    label, _, old = labels.partition(" | ")
    PERMISSIONS[permission] = (section, bot, label, old.split(", ") if old else [])
REQUIRED = [p for p, box in PERMISSIONS.items() if box[1] == "need"]
NEVER = [p for p, box in PERMISSIONS.items() if box[1] == "NEVER"]
# --8<-- [end:permissions]

# --8<-- [start:probes]
# Calls that change nothing. Kraken checks the permission before it reads the arguments.
ORDER = {"pair": "XXBTZUSD", "type": "buy", "ordertype": "limit", "price": "10", "volume": "10"}
PROBES = {
    "query-funds": ("Balance", {}),
    "query-open-trades": ("OpenOrders", {}),
    "query-closed-trades": ("ClosedOrders", {}),
    "modify-trades": ("AddOrder", {**ORDER, "validate": "true"}),  # checked, never placed
    "close-trades": ("CancelOrder", {"txid": "OAAAAA-AAAAA-AAAAAA"}),  # no such order
    "withdraw-funds": ("WithdrawMethods", {}),  # only lists methods: never Withdraw
}
# CancelOrder passes with either order box ticked. With "Create & modify orders" ticked,
# a validate-only order batch (which needs both boxes) tells whether Cancel is ticked.
# Kraken's smallest batch is two orders.
BATCH = {
    "pair": "XXBTZUSD",
    "validate": "true",
    "orders": '[{"ordertype":"limit","type":"buy","price":"10","volume":"10"}, '
    '{"ordertype":"limit","type":"buy","price":"10","volume":"10"}]',
}
# Answers that mean Kraken checked the permission, then found fault with the arguments.
PASSED = ("EGeneral:Invalid arguments", "EOrder:", "EQuery:", "EFunding:")
# --8<-- [end:probes]


def credentials(user_id: str | None) -> tuple[str, str, str]:
    """The key pair the bot would use, as (key, secret, account label)."""
    if user_id:
        first = user_id.split("_", 1)[0].upper()  # john_smith -> JOHN
        pairs = [(f"KRAKEN_USER_{first}_API_KEY", f"KRAKEN_USER_{first}_API_SECRET")]
        label = f"USER:{user_id}"
    else:
        pairs = [
            ("KRAKEN_MASTER_API_KEY", "KRAKEN_MASTER_API_SECRET"),
            ("KRAKEN_API_KEY", "KRAKEN_API_SECRET"),  # legacy names, read for the master only
        ]
        label = "MASTER"
    for key_name, secret_name in pairs:
        key = os.environ.get(key_name, "").strip()
        secret = os.environ.get(secret_name, "").strip()
        if key and secret:
            return key, secret, label
        if key or secret:
            sys.exit(f"❌ {secret_name if key else key_name} is not set (or blank) for {label}.")
    sys.exit(f"⚠️  Kraken credentials not configured for {label}: set {' and '.join(pairs[0])}.")


def call(api: SpotClient, method: str, params: dict) -> dict:
    """Kraken's reply to one call; a network failure or another server's answer ends it."""
    try:
        answer = api.request("POST", f"/0/private/{method}", params=dict(params), timeout=TIMEOUT)
        if answer.status_code != 200:
            sys.exit(f"⚠️  Could not reach Kraken at {api.URL} (HTTP {answer.status_code}).")
        reply = answer.json()
    except ValueError:  # not JSON: a web page (a proxy or a login page answered)
        not_kraken(api.URL)
    except OSError as exc:  # refused, timed out
        sys.exit(f"⚠️  Could not reach Kraken at {api.URL} ({type(exc).__name__}).")
    return kraken_shaped(reply, api.URL)


def kraken_shaped(reply: object, url: str) -> dict:
    """Kraken always answers {"error": [strings], "result": ...}; anything else ends the run."""
    errors = reply.get("error") if isinstance(reply, dict) else None
    if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
        not_kraken(url)
    return reply


def not_kraken(url: str) -> NoReturn:
    """A JSON answer of another shape: a proxy, a login page or another server answered."""
    sys.exit(
        f"⚠️  The answer from {url} is not Kraken's (no error list and result).\n"
        "   Check that KRAKEN_API_URL is Kraken's API address and no proxy changes the answer."
    )


def stop(method: str, error: str) -> None:
    """An error that no permission box can fix (a wrong key, a nonce, an outage)."""
    sys.exit(f"❌ {method} failed: {error}\n   How to fix it: {docs_url(error)}")


def allowed(api: SpotClient, method: str, params: dict) -> bool:
    """False if Kraken says Permission denied; an error about the arguments means it passed."""
    errors = call(api, method, params)["error"]
    for error in errors:
        if not error.startswith(("EGeneral:Permission denied", *PASSED)):
            stop(method, error)
    return "EGeneral:Permission denied" not in errors


def probe(api: SpotClient) -> dict[str, bool | None]:
    """Ticked (True), not ticked (False) or unknown (None) for each box in PROBES."""
    found = {}
    for permission, (method, params) in PROBES.items():
        if permission == "close-trades" and found["modify-trades"]:
            method, params = "AddOrderBatch", BATCH
        if permission == "withdraw-funds" and not found["query-funds"]:
            found[permission] = None  # WithdrawMethods also needs Query: no answer possible
            continue
        found[permission] = allowed(api, method, params)
    return found


def name(permission: str) -> str:
    """How Kraken's page shows the box: 'Funds permissions > Query (formerly "Query Funds")'."""
    section, _, label, old = PERMISSIONS[permission]
    formerly = ", ".join(f'"{old_label}"' for old_label in old)
    return f"{section} > {label}" + (f" (formerly {formerly})" if old else "")


def line(permission: str, ticked: bool | None) -> str:
    return f"  {({True: '[x]', False: '[ ]', None: '[?]'})[ticked]} {name(permission)}"


TIMEOUT = 30  # seconds to wait for Kraken's answer
# What KRAKEN_API_URL may hold: scheme, host and port. A longer host name part than 40
# characters, or any other character, is more likely a pasted key than an address.
ADDRESS = r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]{1,40}(\.[A-Za-z0-9-]{1,40})*)(:\d{1,5})?"


def api_url() -> str:
    """Kraken's address, or the one in KRAKEN_API_URL (a mock, a proxy), without a final /."""
    url = os.environ.get("KRAKEN_API_URL", "").strip().rstrip("/") or "https://api.kraken.com"
    if not re.fullmatch(ADDRESS, url):  # not printed: it may hold a key or a secret
        sys.exit(
            "⚠️  KRAKEN_API_URL is not a plain address such as https://api.kraken.com"
            " (scheme, host and port only). It is not shown here: it may hold a key."
        )
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description="Check a Kraken API key's permission boxes.")
    parser.add_argument("--user", metavar="USER_ID", help="a user id (default: the master)")
    key, secret, label = credentials(parser.parse_args().user)
    url = api_url()  # the SDK joins /0/private/<Method> to it and drops any path
    # Without its own exceptions, the SDK hands back Kraken's answer as it came, so this
    # check reads Kraken's error strings the same way for every client.
    api = SpotClient(key=key, secret=secret, url=url, use_custom_exceptions=False)

    # --8<-- [start:ask]
    reply = call(api, "GetApiKeyInfo", {})
    if not reply["error"]:
        result = reply.get("result")
        granted = result.get("permissions") if isinstance(result, dict) else None
        if not isinstance(granted, list):  # a key always has a list, empty or not
            not_kraken(url)
        found = {p: p in granted for p in PERMISSIONS}
        how = "read with GetApiKeyInfo"
    elif reply["error"][0].startswith("EGeneral:Unknown method"):  # older servers
        found = probe(api)
        how = "probed with calls that change nothing (this server has no GetApiKeyInfo)"
    else:
        stop("GetApiKeyInfo", reply["error"][0])
    # --8<-- [end:ask]

    print(f"API key permissions for {label} (key ending {key[-4:]}), {how}:")
    print("Required by the bot:")
    print("\n".join(line(p, found.get(p)) for p in REQUIRED))
    print("Must stay OFF (they let the key move money out):")
    print("\n".join(line(p, found[p]) for p in NEVER if p in found))
    others = [p for p in PERMISSIONS if p in found and p not in REQUIRED + NEVER]
    if others:
        print("Not needed by the bot (either way is fine):")
        print("\n".join(line(p, found[p]) for p in others))

    # --8<-- [start:verdict]
    missing = [p for p in REQUIRED if not found.get(p)]
    dangerous = [p for p in NEVER if found.get(p)]
    if missing:
        print("\n❌ Tick these boxes on kraken.com (Settings > API > Edit), save, restart the bot:")
        print("\n".join(f"   - {name(p)}" for p in missing))
        print(f"   Step by step: {docs_url('EGeneral:Permission denied')}")
    if dangerous:
        print("\n" + "!" * 70)
        for p in dangerous:
            print(f"!!! DANGER: {name(p)} IS ENABLED ON THIS KEY.")
        print("!!! No trading bot needs it, and a leaked key could empty your account.")
        print("!!! Untick it on kraken.com now (Settings > API > Edit), then save.")
        print("!" * 70)
    if missing or dangerous:
        return 1
    print("\n✅ Every box the bot needs is ticked, and Withdraw is off.")
    return 0
    # --8<-- [end:verdict]


# The page for each error a private call can answer with (errors about orders aside);
# any other error links to the list of all errors.
DOCS = "https://kraken-doctor.github.io/kraken-doctor/errors/"
PAGES = """
egeneral-permission-denied eapi-invalid-key eapi-invalid-signature eapi-invalid-nonce
egeneral-temporary-lockout eapi-rate-limit-exceeded egeneral-unknown-method
egeneral-invalid-arguments eservice-unavailable eservice-busy eaccount-invalid-permissions
eauth-account-temporary-disabled eauth-account-unconfirmed eauth-rate-limit-exceeded
eauth-too-many-requests esession-invalid-session eapi-bad-request
egeneral-invalid-arguments-index-unavailable egeneral-internal-error egeneral-too-many-requests
eapi-feature-disabled eservice-throttled eorder-rate-limit-exceeded
eorder-orders-limit-exceeded eorder-domain-rate-limit-exceeded
eservice-market-in-cancel-only-mode eservice-market-in-post-only-mode eservice-deadline-elapsed
""".split()


def docs_url(error: str) -> str:
    """EAPI:Invalid key -> .../errors/eapi-invalid-key/, the most detailed page first."""
    parts = error.split(":")
    for n in range(len(parts), 1, -1):  # EGeneral:Invalid arguments:volume -> 2 parts
        slug = re.sub(r"[^a-z0-9]+", "-", ":".join(parts[:n]).lower()).strip("-")
        if slug in PAGES:
            return DOCS + slug + "/"
    return DOCS


if __name__ == "__main__":
    sys.exit(main())
