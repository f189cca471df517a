"""A ccxt kraken client whose nonce never repeats or goes backwards, even with threads.

ccxt's nonce for Kraken is the time in milliseconds, made to increase within one client
object only. Two objects with the same key (two threads, two accounts) can send the same
nonce, and calls from several threads can reach Kraken out of order; Kraken refuses both
with EAPI:Invalid nonce. Use NonceSafeKraken wherever you would use ccxt.kraken.

Usage (a demo that fires Balance calls from several threads at once):
    python nonce_safe_client_ccxt.py                                   # the master account
    python nonce_safe_client_ccxt.py --user alice_example --threads 8 --calls 12
"""

import argparse
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import ccxt


# --8<-- [start:client]
class NonceSafeKraken(ccxt.kraken):
    """ccxt.kraken with a nonce that strictly increases across threads and instances.

    The nonce stays in milliseconds, like ccxt's, so this client never pushes a key's
    nonce out of reach of your other ccxt programs. Requests go out one at a time:
    Kraken needs the nonces to arrive in order, not only to be unique.
    """

    _lock = threading.RLock()
    _last = 0

    def nonce(self) -> int:
        # One more than the last nonce if the clock has not moved on (fetch2 holds the
        # lock while it signs the request).
        NonceSafeKraken._last = max(NonceSafeKraken._last + 1, time.time_ns() // 1_000_000)
        return NonceSafeKraken._last

    def fetch2(self, *args, **kwargs):
        with NonceSafeKraken._lock:
            return super().fetch2(*args, **kwargs)

    # --8<-- [end:client]


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


def at_least_one(text: str) -> int:
    """An argument that must be a whole number of 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


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


TIMEOUT = 30  # seconds to wait for Kraken's answer


def errors(reply: object) -> list[str]:
    """Kraken's error list; an answer of another shape (a proxy, a login page) ends the run."""
    found = reply.get("error") if isinstance(reply, dict) else None
    if not isinstance(found, list) or not all(isinstance(e, str) for e in found):
        sys.exit(
            "⚠️  The answer is not Kraken's (no error list). Check that KRAKEN_API_URL is"
            " Kraken's API address and no proxy changes the answer."
        )
    return found


class Unreachable(Exception):
    """No answer from Kraken at all; the text says why."""


def balance(api: NonceSafeKraken) -> object:
    """Kraken's answer to one Balance call, as it came (ccxt raises on Kraken's errors:
    "kraken " and Kraken's answer is the exception's text)."""
    try:
        return api.private_post_balance()
    except ccxt.BaseError as exc:
        try:
            return json.loads(str(exc).removeprefix("kraken "))
        except ValueError:  # no answer of Kraken's in it: refused, timed out, HTTP 5xx
            raise Unreachable(type(exc).__name__) from None
    except (AttributeError, TypeError):  # ccxt tripped over an answer not shaped like Kraken's
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description="Fire Balance calls from many threads.")
    parser.add_argument("--user", metavar="USER_ID", help="a user id (default: the master)")
    parser.add_argument("--threads", type=at_least_one, default=5, help="threads (default 5)")
    parser.add_argument("--calls", type=at_least_one, default=10, help="calls in all (default 10)")
    args = parser.parse_args()
    key, secret, label = credentials(args.user)

    # --8<-- [start:demo]
    url = api_url()
    api = NonceSafeKraken({"apiKey": key, "secret": secret, "timeout": TIMEOUT * 1000})
    api.urls["api"]["public"] = api.urls["api"]["private"] = url
    try:
        first = errors(balance(api))  # one call first: is the key OK?
        if first:
            sys.exit(f"❌ {first[0]} (so no calls were fired): {docs_url(first[0])}")
        print(f"{args.calls} Balance calls from {args.threads} threads ({label}, key …{key[-4:]})")
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            calls = [pool.submit(balance, api) for _ in range(args.calls)]
            outcomes = Counter(", ".join(errors(c.result())) or "ok" for c in calls)
    except Unreachable as exc:
        sys.exit(f"⚠️  Could not reach Kraken at {url} ({exc}).")
    print(f"  {outcomes.pop('ok', 0)} succeeded")
    for error, count in outcomes.items():
        print(f"  {count} failed with {error}: {docs_url(error)}")
    return 1 if outcomes else 0
    # --8<-- [end:demo]


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
