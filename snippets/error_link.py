"""From a Kraken error, or a whole log line, to the page that fixes it.

Usage:
    python error_link.py "EGeneral:Permission denied"
    python error_link.py "2026-01-11 19:20:01 | ERROR | ❌ Kraken connection test failed ..."
    grep -i kraken bot.log | python error_link.py      # one link per error found

Prints one URL per error found. Exit code 1 (and the list of all errors) when the text
holds no Kraken error that has a page yet. Needs only the Python standard library.
"""

import re
import sys

DOCS = "https://kraken-doctor.github.io/kraken-doctor/errors/"

# --8<-- [start:errors]
# Every error that has a page, in the site's order; after "|", other spellings seen in logs.
ERRORS = {}
for row in """
EGeneral:Permission denied | General:Permission denied
EAPI:Invalid key
EAPI:Invalid signature
EAPI:Invalid nonce
EGeneral:Temporary lockout
EAPI:Rate limit exceeded
EGeneral:Unknown method
EGeneral:Invalid arguments
EService:Unavailable
EService:Busy
EOrder:Unknown order
EAccount:Invalid permissions
EAuth:Account temporary disabled
EAuth:Account unconfirmed
EAuth:Rate limit exceeded
EAuth:Too many requests
ESession:Invalid session
EAPI:Bad request
EGeneral:Invalid arguments:Index unavailable
EGeneral:Internal error
EGeneral:Too many requests
EAPI:Feature disabled
EService: Throttled | EService:Throttled
EOrder:Rate limit exceeded
EOrder:Orders limit exceeded
EOrder:Domain rate limit exceeded
EService:Market in cancel_only mode
EService:Market in post_only mode
EService:Deadline elapsed
EOrder:Insufficient funds
EOrder:Order minimum not met
EOrder:Cost minimum not met
EOrder:Tick size check failed
EOrder:Invalid price | EOrder:Invalid price:Invalid price argument
EOrder:Invalid order
EOrder:Cannot open position | EOrder:Cannot open opposing position
EOrder:Margin allowance exceeded
EOrder:Margin level too low
EOrder:Insufficient margin
EOrder:Trading agreement required
ETrade:Locked | ETrade:User Locked
EOrder:Reduce only:No position exists
EOrder:Reduce only:Position is closed
EQuery:Unknown asset pair
EQuery:Invalid asset pair
EQuery:Unknown asset | EFunding:Unknown asset
EFunding:Unknown withdraw key
EFunding:No funding method
EFunding:Unknown reference id | EFunding:Invalid reference id
EFunding:Invalid amount
""".strip().splitlines():
    error, *aliases = row.split(" | ")
    ERRORS[error] = aliases
# --8<-- [end:errors]

# A Kraken error inside a log line: it ends at a quote, bracket, comma or the line's end.
ERROR_IN_TEXT = re.compile(r"\b[EW][A-Z][A-Za-z]*:[^'\"\]\[\)\(,;\n]+")


def fold(text: str) -> str:
    """Kraken's spelling varies (`EService: Throttled: 1`): compare without spaces at colons."""
    return re.sub(r"\s*:\s*", ":", text.strip()).casefold()


def page(error: str) -> str:
    """EAPI:Invalid key -> .../errors/eapi-invalid-key/"""
    return DOCS + re.sub(r"[^a-z0-9]+", "-", error.lower()).strip("-") + "/"


# --8<-- [start:find]
def find(text: str) -> str | None:
    """The error a log line is about (its main spelling), or None."""
    # Longest spelling first, so that a detailed error beats a shorter one it starts with.
    spellings = [(fold(s), error) for error, aliases in ERRORS.items() for s in (error, *aliases)]
    spellings.sort(key=lambda pair: len(pair[0]), reverse=True)
    for token in ERROR_IN_TEXT.findall(text):  # `EGeneral:Invalid arguments:volume`
        for known, error in spellings:
            if fold(token) == known or fold(token).startswith((known + ":", known + " ")):
                return error
    folded = fold(text)
    for known, error in spellings:  # the error glued to other words
        if known in folded:
            return error
    for error in ERRORS:  # the message without its prefix: "... failed: Permission denied"
        message = fold(error).split(":", 1)[1]
        if re.search(rf"(^|[\s:]){re.escape(message)}($|[\s.!,;:])", folded):
            return error
    return None
    # --8<-- [end:find]


def main(args: list[str]) -> int:
    text = " ".join(args) or ("" if sys.stdin.isatty() else sys.stdin.read())
    if not text.strip():
        sys.exit('Give a Kraken error or a log line, e.g. python error_link.py "EAPI:Invalid key"')
    urls = [page(error) for error in map(find, text.splitlines()) if error]
    if not urls:
        print(DOCS)
        print(
            "No Kraken error with its own page was found; the page above lists them all.",
            file=sys.stderr,
        )
        return 1
    print("\n".join(dict.fromkeys(urls)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
