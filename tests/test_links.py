"""From any error or bot log line to the page that fixes it, and that page exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from kraken_doctor import docs_url
from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.links import client_classes, errors_index, find_error
from sitebuild import Build, site_build  # noqa: F401  (site_build: fixture)

CAT = load_catalog()
BASE = CAT.site.base_url
INDEX = BASE + CAT.site.errors_path

#: The NIJA bot's log lines around a failing Kraken connection (nija-bot.md section 3).
LOG_TEMPLATES = [
    "2026-01-10 11:47:26 | ERROR | ❌ Kraken connection test failed ({label}): {error}",
    "❌ Kraken connection test failed ({label}): {error}",
    "⚠️  Kraken connection attempt 2/5 failed (retryable, {label}): {error}",
    "2026-01-10 11:47:26 | INFO | ⚠️  Kraken connection attempt 1/5 failed (retryable, {label}): "
    "['{error}']",
]
LABELS = ["MASTER", f"USER:{CAT.env_vars.example_users[0]}"]


def page_of(slug: str, cat: Catalog = CAT) -> str:
    return f"{cat.site.base_url}{cat.site.errors_path}{slug}/"


@pytest.mark.parametrize("entry", CAT.errors, ids=lambda e: e.slug)
def test_exact_string_and_every_alias(entry) -> None:
    for spelling in (entry.string, *entry.aliases):
        assert docs_url(spelling) == page_of(entry.slug), spelling


@pytest.mark.parametrize("entry", CAT.errors, ids=lambda e: e.slug)
def test_whole_bot_log_lines(entry) -> None:
    for template in LOG_TEMPLATES:
        for label in LABELS:
            line = template.format(label=label, error=entry.string)
            assert docs_url(line) == page_of(entry.slug), line


def test_detail_suffix_goes_to_the_error_it_details() -> None:
    assert docs_url("EGeneral:Invalid arguments:volume") == page_of("egeneral-invalid-arguments")
    assert docs_url("EGeneral:Invalid arguments:volume minimum not met") == page_of(
        "egeneral-invalid-arguments"
    )
    assert docs_url("EGeneral:Invalid arguments:Index unavailable") == page_of(
        "egeneral-invalid-arguments-index-unavailable"
    )
    assert docs_url("EAPI:Feature disabled:viqc") == page_of("eapi-feature-disabled")
    assert docs_url("EGeneral:Internal error:12345") == page_of("egeneral-internal-error")


def test_spacing_variants() -> None:
    throttled = page_of("eservice-throttled")
    assert docs_url("EService: Throttled: 1700000000") == throttled
    assert docs_url("EService:Throttled:1700000000") == throttled
    assert docs_url("EService : Throttled") == throttled
    assert docs_url("  EAPI: Invalid nonce  ") == page_of("eapi-invalid-nonce")


def test_lines_without_the_prefix() -> None:
    pd = page_of("egeneral-permission-denied")
    assert docs_url("❌ Kraken connection test failed: Permission denied") == pd
    assert docs_url("General:Permission denied") == pd


@pytest.mark.parametrize(
    "text",
    [
        "EFoo:Something new",
        "⚠️  Kraken credentials not configured for MASTER (skipping)",
        "",
        "all good",
    ],
)
def test_unknown_errors_go_to_the_index(text: str) -> None:
    assert docs_url(text) == INDEX
    if text:
        assert find_error(text) is None


def test_errors_index_has_every_spelling() -> None:
    index = errors_index()
    spellings = {s for e in CAT.errors for s in (e.string, *e.aliases)}
    assert set(index) == spellings | set(client_classes())  # classes: test_client_errors.py
    for e in CAT.errors:
        assert index[e.string]["url"] == page_of(e.slug)
        assert index[e.string]["short_url"] == f"{BASE}{CAT.site.short_path}{e.slug}/"


def test_every_docs_url_exists_in_the_built_site(site_build: Build) -> None:  # noqa: F811
    assert site_build.returncode == 0, site_build.output
    urls = {docs_url(s) for e in CAT.errors for s in (e.string, *e.aliases)}
    urls |= {docs_url("EFoo:Unknown"), docs_url("EGeneral:Invalid arguments:price")}
    for url in sorted(urls):
        assert url.startswith(BASE)
        assert site_build.file_for(url[len(BASE) :]), url


PUBLISHED = Path(__file__).with_name("published_slugs.txt")


def published_slugs() -> list[str]:
    lines = PUBLISHED.read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def test_every_catalog_slug_is_recorded_as_published() -> None:
    """A new error's slug is appended to published_slugs.txt, so it is guarded from then on."""
    missing = [e.slug for e in CAT.errors if e.slug not in published_slugs()]
    assert not missing, f"append these to {PUBLISHED.name}: {missing}"


def test_every_published_url_still_works(site_build: Build) -> None:  # noqa: F811
    for slug in published_slugs():
        for path in (f"{CAT.site.errors_path}{slug}/", f"{CAT.site.short_path}{slug}/"):
            assert site_build.file_for(path), f"{path} was published and must not 404"
