"""Every client's way of showing a Kraken error leads to the error's page.

The catalog's `clients` section is checked against the installed clients' own code (their
versions are pinned in pyproject.toml). Then each client really runs against a server that
answers with one of the main errors, and the text it gives the bot (its answer, its
exception as a traceback ends, a freqtrade log line built from it) must find the error's
page through docs_url(), `kraken-doctor explain` and the site search's matching code.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ccxt
import krakenex
import pytest
from kraken import exceptions as sdk_exceptions
from kraken.spot import User

from doctor_support import Reply, stub_server
from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor.explain import explain
from kraken_doctor.links import client_classes, docs_url, errors_index

CAT = load_catalog()
INDEX = CAT.site.base_url + CAT.site.errors_path
SPELLINGS = [s for e in CAT.errors for s in (e.string, *e.aliases)]
MAIN = [
    "EGeneral:Permission denied",
    "EAPI:Invalid key",
    "EAPI:Invalid nonce",
    "EAPI:Invalid signature",
    "EAPI:Rate limit exceeded",
]
KEY, SECRET = "k" * 56, "c2VjcmV0" * 11


def page(error: str) -> str:
    return CAT.site.base_url + CAT.site.errors_path + CAT.error(error).slug + "/"


# -- the catalog against the clients' code ------------------------------------------------


def test_python_kraken_sdk_raises_what_the_catalog_says():
    client = CAT.client("python-kraken-sdk")
    assert client.exception_module == sdk_exceptions.__name__
    for spelling in SPELLINGS:
        raised = sdk_exceptions._get_exception([spelling])  # the SDK's own look-up
        assert (raised.__name__ if raised else None) == client.raised_for(spelling), spelling


def ccxt_class(exchange: ccxt.kraken, error: str) -> str | None:
    """The class ccxt's kraken.handle_errors raises for `error`: exact match, then broad."""
    try:
        exchange.throw_exactly_matched_exception(exchange.exceptions["exact"], error, "")
        exchange.throw_broadly_matched_exception(exchange.exceptions["broad"], error, "")
    except ccxt.BaseError as exc:
        return type(exc).__name__
    return None


def test_ccxt_raises_what_the_catalog_says():
    client = CAT.client("ccxt")
    exchange = ccxt.kraken()
    for spelling in SPELLINGS:
        assert (ccxt_class(exchange, spelling) or "ExchangeError") == client.raised_for(spelling)
        assert client.raises.get(spelling) == ccxt_class(exchange, spelling), spelling
    names = {cls.__name__ for cls in ccxt.Exchange.httpExceptions.values()}
    assert set(client.http_status_classes) == names
    module = importlib.import_module(client.exception_module)
    for name in {*client.raises.values(), *client.http_status_classes, client.otherwise}:
        assert issubclass(getattr(module, name), ccxt.BaseError), name


def test_krakenex_returns_the_answer_as_it_came():
    assert CAT.client("krakenex").raises == {} and CAT.client("krakenex").otherwise is None


# -- real texts from the clients ------------------------------------------------------------


@dataclass
class Answering:
    """A stub server's address, and the error it answers every call with for now."""

    url: str
    error: str = ""


@pytest.fixture(scope="module")
def answering() -> Iterator[Answering]:
    """A server that answers every private call with the error in `answering.error`."""
    state = Answering(url="")

    def respond(_command: str, _path: str, _body: bytes) -> Reply:
        return Reply(body=json.dumps({"error": [state.error]}).encode())

    with stub_server(respond) as url:
        state.url = url
        yield state


def last_lines(exc: BaseException) -> str:
    """What a traceback ends with: `module.Class: text` (the lines a log shows last)."""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def client_texts(server: Answering, error: str) -> dict[str, str]:
    """Each client's own text for `error`, as a bot or its log shows it."""
    server.error = error
    url = server.url
    api = krakenex.API(KEY, SECRET)
    api.uri = url
    texts = {"krakenex": str(api.query_private("Balance"))}
    with pytest.raises(Exception) as sdk:
        User(key=KEY, secret=SECRET, url=url).get_account_balance()
    texts["python-kraken-sdk"] = last_lines(sdk.value)
    exchange = ccxt.kraken({"apiKey": KEY, "secret": SECRET})
    exchange.urls["api"]["private"] = url
    with pytest.raises(ccxt.BaseError) as cc:
        exchange.private_post_balance()
    texts["ccxt"] = last_lines(cc.value)
    # freqtrade's exchange.fetch_ticker wraps ccxt's errors in this line.
    texts["freqtrade"] = (
        f"Could not load ticker due to {type(cc.value).__name__}. Message: {cc.value}"
    )
    return texts


@pytest.mark.parametrize("error", MAIN)
def test_every_clients_text_finds_the_page(answering, error):
    texts = client_texts(answering, error)
    assert texts["python-kraken-sdk"].startswith("kraken.exceptions.Kraken")
    assert texts["ccxt"].startswith("ccxt.base.errors.")
    for client, text in texts.items():
        assert docs_url(text) == page(error), (client, text)
        data, code = explain(text)
        assert code == 0 and data["url"] == page(error), (client, text)


@pytest.mark.parametrize("error", MAIN)
def test_the_sdks_class_alone_finds_the_page(answering, error):
    """The first line of its traceback: the class and its description, no Kraken text."""
    first = client_texts(answering, error)["python-kraken-sdk"].splitlines()[0]
    assert error not in first
    assert docs_url(first) == page(error), first
    assert explain(first)[0]["url"] == page(error)


@pytest.mark.parametrize("error", MAIN)
def test_a_ccxt_class_alone_finds_the_page_only_when_it_stands_for_one_error(answering, error):
    """ccxt groups errors (DDoSProtection: a rate limit or a lockout; AuthenticationError:
    also an HTTP 401), so its class name alone finds a page only for PermissionDenied and
    InvalidNonce among these; its full line always does (above)."""
    line = client_texts(answering, error)["ccxt"]
    cls = line.split(":", 1)[0]
    expected = page(error) if cls.rsplit(".", 1)[1] in client_classes() else INDEX
    assert docs_url(cls) == expected, cls
    alone = {"EGeneral:Permission denied", "EAPI:Invalid nonce"}
    assert (expected != INDEX) == (error in alone)


def cli_envelope(error: str) -> str:
    """Kraken's CLI (krakenfx/kraken-cli src/errors.rs, from_kraken_error and
    to_json_envelope): rate limits get their own envelope, permission and key errors the
    auth category, every other error the api category."""
    if error.startswith("EAPI:Rate limit"):
        envelope = {
            "error": "rate_limit",
            "message": f"Spot REST API rate limit exceeded ({error}).",
            "suggestion": "Wait 5-15 seconds before retrying.",
            "retryable": True,
            "docs_url": "https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits/",
        }
    elif error.startswith(("EGeneral:Permission", "EAPI:Invalid key")):
        envelope = {"error": "auth", "message": f"Authentication failed: {error}"}
    else:
        envelope = {"error": "api", "message": error}
    return json.dumps(envelope)


@pytest.mark.parametrize("error", MAIN)
def test_kraken_cli_envelopes(error):
    assert docs_url(cli_envelope(error)) == page(error)
    assert explain(cli_envelope(error))[0]["url"] == page(error)


def test_the_issues_examples():
    pd = page("EGeneral:Permission denied")
    for line in [
        'ccxt.base.errors.PermissionDenied: kraken {"error":["EGeneral:Permission denied"]}',
        'Could not load ticker due to PermissionDenied. Message: kraken {"error":'
        '["EGeneral:Permission denied"]}',
        "kraken.exceptions.KrakenPermissionDeniedError",
    ]:
        assert docs_url(line) == pd, line
    assert docs_url("{'error': ['EAPI:Invalid nonce'], 'result': {}}") == page("EAPI:Invalid nonce")
    assert docs_url(
        '{"error": "auth", "message": "Authentication failed: EAPI:Invalid key"}'
    ) == page("EAPI:Invalid key")


def test_a_class_name_inside_a_longer_name_is_not_taken():
    """ccxt's RateLimitExceeded is not the SDK's KrakenRateLimitExceededError, and a class
    that stands for several errors (DDoSProtection) finds no page on its own."""
    assert docs_url("KrakenRateLimitExceededError") == page("EOrder:Rate limit exceeded")
    assert docs_url("ccxt.base.errors.DDoSProtection: kraken") == INDEX
    assert docs_url("MyPermissionDeniedThing") == INDEX


def test_errors_json_lists_the_classes_that_stand_for_one_page():
    index = errors_index()
    for cls, (entry, clients) in client_classes().items():
        assert index[cls]["url"] == page(entry.string)
        assert index[cls]["client"] == clients


# -- the site search's own matching (overrides/main.html), run with node ------------------

MAIN_HTML = Path(__file__).resolve().parents[1] / "overrides" / "main.html"


def search_match(texts: list[str]) -> list[str | None]:
    """What the search box puts in place of each pasted text: the error it found, or None.

    Runs the page's own fold() and errorIn() functions over the published errors.json."""
    source = MAIN_HTML.read_text(encoding="utf-8")
    functions = re.search(r"( *function fold\(.*?\n)( *function offer\()", source, re.DOTALL)
    assert functions, "main.html no longer has fold() and errorIn() before offer()"
    script = (
        functions[1]
        + "const errors = JSON.parse(process.argv[1]);\n"
        + "const texts = JSON.parse(process.argv[2]);\n"
        + "console.log(JSON.stringify(texts.map(function (t) { return errorIn(t, errors); })));\n"
    )
    out = subprocess.run(
        ["node", "-e", script, json.dumps(errors_index()), json.dumps(texts)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not shutil.which("node"), reason="node runs the search page's code")
def test_the_site_search_finds_the_page_from_every_clients_text(answering):
    cases = []
    for error in MAIN:
        texts = client_texts(answering, error)
        texts["python-kraken-sdk first line"] = texts["python-kraken-sdk"].splitlines()[0]
        texts["kraken-cli"] = cli_envelope(error)
        cases += [(error, client, text) for client, text in texts.items()]
    found = search_match([text for _, _, text in cases])
    for (error, client, text), spelling in zip(cases, found, strict=True):
        assert spelling == error, (client, text, spelling)
