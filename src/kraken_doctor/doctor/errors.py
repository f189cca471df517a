"""What a Kraken error means for the check: a problem to fix, or a reason it could not run.

The sorting is by the catalog's error entries (slug and category), so a Kraken string is
never typed here; the message quotes the error as the server sent it, with the catalog's
meaning and the URL of its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from kraken_doctor.catalog import Catalog, KrakenErrorEntry
from kraken_doctor.doctor.model import Finding, Step
from kraken_doctor.links import docs_url, find_error
from kraken_doctor.protocol import KnownError

#: categories of errors Kraken only sends once the key's permission for the call is checked
_AFTER_PERMISSION_CATEGORIES = {"order", "query", "funding"}


def err(cat: Catalog, slug: str) -> str:
    """The Kraken string of a catalog error, for messages (never typed in code)."""
    return cat.error(slug).string


def url(cat: Catalog, slug: str) -> str:
    """The page of a catalog error."""
    return docs_url(err(cat, slug), cat)


@dataclass
class Classified:
    error: str
    entry: KrakenErrorEntry | None

    @property
    def slug(self) -> str | None:
        return self.entry.slug if self.entry else None

    @property
    def temporary(self) -> bool:
        """Whether the error passes on its own (the catalog's `retry`): nothing to fix."""
        return bool(self.entry and self.entry.temporary)

    @property
    def order_or_argument(self) -> bool:
        """An answer given after the permission check passed (Kraken checks permissions first):
        an order error, or arguments Kraken refused (a bad pair, asset or funding method)."""
        e = self.entry
        if e is None:
            return self.error.startswith("EOrder:")
        return e.category in _AFTER_PERMISSION_CATEGORIES or e.slug.startswith(
            KnownError.INVALID_ARGUMENTS
        )


def classify(error: str, cat: Catalog) -> Classified:
    return Classified(error, find_error(error, cat))


def finding_for(step: Step, c: Classified, cat: Catalog, context: str = "") -> Finding:
    """A finding for an unexpected Kraken error: fail if the key needs fixing, else error."""
    entry = c.entry
    status = "error" if c.temporary or entry is None else "fail"
    where = f" {context}" if context else ""
    if entry is None:
        return Finding(
            step,
            "error",
            "unknown-error",
            f"Kraken answered {c.error!r}{where}, an error the doctor does not know.",
            f'Run: kraken-doctor explain "{c.error}"',
            docs_url(c.error, cat),
        )
    return Finding(
        step,
        status,
        entry.slug,
        f"Kraken answered {c.error}{where}: {entry.meaning}",
        entry.fix[0],
        docs_url(entry.string, cat),
    )
