"""From a Kraken error, or a whole log line that contains one, to the page that fixes it.

Bots print these URLs in their logs for years, so the slugs come from the catalog (stored
once, never derived again at run time) and the base URL from the catalog's `site` section.
"""

from __future__ import annotations

import re

from kraken_doctor.catalog import Catalog, KrakenErrorEntry, load_catalog

# A Kraken error inside free text: `EGeneral:Permission denied`, `EService: Throttled: 17...`,
# `EGeneral:Invalid arguments:volume`. It ends at a quote, bracket, comma or line end.
_ERROR_IN_TEXT = re.compile(r"\b[EW][A-Z][A-Za-z]*:[^'\"\]\[\)\(,;\n]+")


def normalize(error: str) -> str:
    """Kraken's spelling varies (`EService: Throttled: 1`); compare without spaces at colons."""
    return re.sub(r"\s*:\s*", ":", error.strip()).casefold()


def _candidates(cat: Catalog) -> list[tuple[str, KrakenErrorEntry]]:
    """Every spelling we know, longest first, so a detailed entry beats its prefix."""
    pairs = [(normalize(s), e) for e in cat.errors for s in (e.string, *e.aliases)]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def _match_prefix(token: str, cat: Catalog) -> KrakenErrorEntry | None:
    norm = normalize(token)
    for known, entry in _candidates(cat):
        if norm == known or norm.startswith(known + ":") or norm.startswith(known + " "):
            return entry
    return None


def _entry_of(spelling: str, cat: Catalog) -> KrakenErrorEntry:
    return next(e for e in cat.errors if spelling in (e.string, *e.aliases))


def client_classes(catalog: Catalog | None = None) -> dict[str, tuple[KrakenErrorEntry, str]]:
    """Exception class names that stand for one error page alone -> (entry, client names).

    python-kraken-sdk names a class after each error (KrakenPermissionDeniedError); ccxt
    groups errors by kind (DDoSProtection for a rate limit and a lockout alike). A class
    raised for errors with different pages finds no page by its name: the Kraken error in
    the exception's text (both clients print it) still does.
    """
    cat = catalog or load_catalog()
    pages: dict[str, set[str]] = {}
    clients: dict[str, list[str]] = {}
    for client in cat.clients:
        for cls in client.http_status_classes:
            pages.setdefault(cls, set()).add("(an HTTP status)")
        for error, cls in client.raises.items():
            pages.setdefault(cls, set()).add(_entry_of(error, cat).slug)
            clients.setdefault(cls, [])
            if client.name not in clients[cls]:
                clients[cls].append(client.name)
    return {
        cls: (cat.error(next(iter(slugs))), ", ".join(clients[cls]))
        for cls, slugs in pages.items()
        if len(slugs) == 1 and cls in clients
    }


def find_error(text: str, catalog: Catalog | None = None) -> KrakenErrorEntry | None:
    """The catalog entry for the first Kraken error in `text` (an error or a log line)."""
    cat = catalog or load_catalog()
    for match in _ERROR_IN_TEXT.finditer(text):
        entry = _match_prefix(match.group(0), cat)
        if entry:
            return entry
    # A client's exception class without Kraken's text: `KrakenInvalidNonceError: ...`.
    for cls, (entry, _clients) in client_classes(cat).items():
        if re.search(rf"(?<![A-Za-z0-9]){cls}(?![A-Za-z0-9])", text):
            return entry
    # Older logs and wrappers drop the prefix ("... failed: Permission denied"),
    # or keep a prefix without its E ("General:Permission denied").
    folded = normalize(text)
    for known, entry in _candidates(cat):
        if known in folded:
            return entry
    for entry in cat.errors:  # catalog order: the most common error of a message comes first
        message = normalize(entry.string).split(":", 1)[1]
        if re.search(rf"(^|[\s:]){re.escape(message)}($|[\s.!,;:])", folded):
            return entry
    return None


def base_url(catalog: Catalog | None = None) -> str:
    return (catalog or load_catalog()).site.base_url


def page_path(entry: KrakenErrorEntry, catalog: Catalog | None = None) -> str:
    """The error page's path relative to the site root, e.g. `errors/eapi-invalid-key/`."""
    return f"{(catalog or load_catalog()).site.errors_path}{entry.slug}/"


def short_path(entry: KrakenErrorEntry, catalog: Catalog | None = None) -> str:
    """The short link that redirects to the page, e.g. `e/eapi-invalid-key/`."""
    return f"{(catalog or load_catalog()).site.short_path}{entry.slug}/"


def error_index_path(catalog: Catalog | None = None) -> str:
    return (catalog or load_catalog()).site.errors_path


def page_url(page: str, catalog: Catalog | None = None) -> str:
    """The published URL of a docs page from its source path: `guides/x.md` -> `<base>guides/x/`."""
    cat = catalog or load_catalog()
    path = page.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return cat.site.base_url + path


def docs_url(error: str, catalog: Catalog | None = None) -> str:
    """The URL of the page that fixes `error`, for bots to print next to the error.

    Accepts an exact Kraken string, one with a detail suffix (`EGeneral:Invalid
    arguments:volume`), spacing variants (`EService: Throttled: 1700000000`) or a whole log
    line. An error we have no page for yet links to the error index, never to a 404.
    """
    cat = catalog or load_catalog()
    entry = find_error(error, cat)
    path = page_path(entry, cat) if entry else error_index_path(cat)
    return cat.site.base_url + path


def errors_index(catalog: Catalog | None = None) -> dict[str, dict[str, str]]:
    """What the site publishes as errors.json: every spelling -> URL, short URL, title; and
    every client exception class that stands for one page -> the same, plus its client."""
    cat = catalog or load_catalog()
    out: dict[str, dict[str, str]] = {}
    for entry in cat.errors:
        record = {
            "url": cat.site.base_url + page_path(entry, cat),
            "short_url": cat.site.base_url + short_path(entry, cat),
            "title": entry.title,
            "slug": entry.slug,
            "category": entry.category,
        }
        for spelling in (entry.string, *entry.aliases):
            out[spelling] = record
    for cls, (entry, clients) in client_classes(cat).items():
        out[cls] = {**out[entry.string], "client": clients}
    return out
