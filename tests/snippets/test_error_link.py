"""snippets/error_link.py: from an error or a log line to the page that fixes it.

It cannot import kraken_doctor, so its table and its matching are checked against the
catalog and kraken_doctor.links: both must give the same page for the same text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.snippets.support import load_snippet

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import docs_url, find_error

NAME = "error_link"
CAT = load_catalog()
SNIP = load_snippet(NAME)
SPELLINGS = [s for e in CAT.errors for s in (e.string, *e.aliases)]


def snippet_url(text: str) -> str:
    error = SNIP.find(text)
    return SNIP.page(error) if error else SNIP.DOCS


def test_its_table_is_the_catalogs():
    assert SNIP.DOCS == CAT.site.base_url + CAT.site.errors_path
    # Same entries, same spellings, and the site's order (the snippet's comment says so).
    assert list(SNIP.ERRORS.items()) == [(e.string, e.aliases) for e in CAT.errors]
    for e in CAT.errors:
        assert SNIP.page(e.string) == docs_url(e.string)


# The bot's own log line (nija-bot.md section 3) and other shapes seen in logs.
TEMPLATES = [
    "{}",
    "2026-01-11 19:20:01,123 | ERROR | ❌ Kraken connection test failed (USER:daivon_frazier): {}",
    "kraken.exceptions: ['{}']",
    "error=[{}] while calling Balance",
    "Request failed: {}: extra detail",
    "{}, retrying in 5s",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_in_every_log_shape_links_like_links(spelling):
    for template in TEMPLATES:
        for variant in (spelling, spelling.replace(":", ": "), spelling + ":detail"):
            text = template.format(variant)
            assert snippet_url(text) == docs_url(text), text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(SPELLINGS),
            st.sampled_from([s.split(":", 1)[1] for s in SPELLINGS]),
            st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=12),
            st.sampled_from([":", " : ", "[", "]", "'", ",", ";", " ", "E", "EService: "]),
        ),
        max_size=6,
    )
)
def test_any_line_finds_the_error_links_finds(parts):
    text = "".join(parts)
    entry = find_error(text)
    assert SNIP.find(text) == (entry.string if entry else None), text


def test_an_error_argument(snippet):
    run = snippet(NAME, "EGeneral:Permission denied")
    assert run.returncode == 0
    assert run.output == docs_url("EGeneral:Permission denied") + "\n"


def test_a_whole_log_line_with_a_detail_and_throttled_spacing(snippet):
    line = "2026-01-11 | ERROR | ❌ failed (MASTER): EService: Throttled: 1767225600"
    run = snippet(NAME, *line.split())
    assert run.output == docs_url(line) + "\n"
    assert run.output.endswith("/errors/eservice-throttled/\n")


def test_a_log_on_stdin_gives_one_link_per_error(snippet):
    log = (
        "12:00 | INFO | starting\n"
        "12:01 | ERROR | Kraken: EAPI:Invalid nonce\n"
        "12:02 | ERROR | Kraken: EGeneral:Invalid arguments:volume minimum not met\n"
        "12:03 | ERROR | Kraken: EAPI:Invalid nonce\n"
    )
    run = snippet(NAME, stdin=log)
    assert run.returncode == 0
    assert run.output.splitlines() == [
        docs_url("EAPI:Invalid nonce"),
        docs_url("EGeneral:Invalid arguments:volume minimum not met"),
    ]


def test_text_without_a_known_error_points_to_the_list(snippet):
    run = snippet(NAME, "EFuture:Something new happened")
    assert run.returncode == 1
    assert run.output.splitlines()[0] == docs_url("EFuture:Something new happened")
    assert "No Kraken error with its own page was found" in run.output


def test_no_input_explains_the_usage(snippet):
    run = snippet(NAME, stdin="  \n")
    assert run.returncode == 1
    assert 'python error_link.py "EAPI:Invalid key"' in run.output


def test_wrappers_spellings_and_messages_without_prefix(snippet):
    log = (
        "kraken.exceptions.KrakenPermissionDeniedError: General:Permission denied\n"
        "12:01 | WARNING | Kraken connection failed: Invalid nonce (retrying)\n"
    )
    run = snippet(NAME, stdin=log)
    assert run.returncode == 0
    assert run.output.splitlines() == [docs_url(line) for line in log.splitlines()]
    assert run.output.splitlines() == [
        docs_url("EGeneral:Permission denied"),
        docs_url("EAPI:Invalid nonce"),
    ]
