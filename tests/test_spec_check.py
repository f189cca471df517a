"""The catalog's endpoint rules held against Kraken's spec (tools/spec_check.py).

The pinned copy must match; a changed spec must be reported in the catalog's terms, first
line first. A missing spec is a failure with a message saying which setting to fix, never a
skip.
"""

from __future__ import annotations

import copy
import functools
import http.server
import threading
from pathlib import Path
from typing import Any

import pytest
from tools import spec_check
from tools.spec_check import ENV_VAR, SpecMissing, check, load_openapi, main, summary

from kraken_doctor.catalog import Disputed, Needs, load_catalog

CAT = load_catalog()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    try:
        data, _source = load_openapi()
    except SpecMissing as exc:
        pytest.fail(str(exc))
    return data


def _with_line(spec: dict[str, Any], path: str, line: str) -> dict[str, Any]:
    changed = copy.deepcopy(spec)
    op = changed["paths"][path]["post"]
    op["description"] = f"Some text.\n\n**API Key Permissions Required:** {line}\n"
    return changed


def _endpoint_with(name: str, **changes: Any):
    eps = [e.model_copy(update=changes) if e.name == name else e for e in CAT.endpoints]
    return CAT.model_copy(update={"endpoints": eps})


def test_the_catalog_matches_the_pinned_spec(spec):
    problems = check(CAT, spec)
    assert problems == []
    assert summary(problems, CAT, spec).startswith("spec-check: no drift")


def test_every_private_spec_endpoint_has_a_parsed_rule(spec):
    rules = spec_check.spec_rules(spec, CAT)
    private = {p: r for p, r in rules.items() if p.startswith("/private/")}
    assert len(private) >= 45
    assert all(r is not None and r.needs is not None for r in private.values()), private


@pytest.mark.parametrize(
    ("path", "line", "first"),
    [
        (
            "/private/Balance",
            "`Data - Export data`",
            "spec-check: DRIFT: Balance needs all_of [query-funds] in the catalog, the spec "
            "says all_of [export-data]",
        ),
        (
            "/private/CancelOrder",
            "`Orders and trades - Cancel & close orders`",
            "spec-check: DRIFT: CancelOrder needs any_of [modify-trades, close-trades] in the "
            "catalog, the spec says all_of [close-trades]",
        ),
        (
            "/private/AddOrderBatch",
            "`Orders and trades - Create & modify orders` or "
            "`Orders and trades - Cancel & close orders`",
            "spec-check: DRIFT: AddOrderBatch needs all_of [modify-trades, close-trades] in the "
            "catalog, the spec says any_of [modify-trades, close-trades]",
        ),
        (
            "/private/Balance",
            "`Funds permissions - Peek`",
            "spec-check: DRIFT: Balance: the spec's permission line",
        ),
    ],
)
def test_a_changed_rule_is_the_first_line(spec, path, line, first):
    changed = _with_line(spec, path, line)
    problems = check(CAT, changed)
    assert len(problems) == 1
    assert summary(problems, CAT, changed).startswith(first)


def test_new_and_removed_endpoints_are_reported(spec):
    changed = copy.deepcopy(spec)
    changed["paths"]["/private/NewThing"] = {
        "post": {"description": "**API Key Permissions Required:** `Funds permissions - Query`"}
    }
    del changed["paths"]["/private/Balance"]
    changed["paths"]["/market/Other"] = {"get": {"description": "public"}}
    problems = check(CAT, changed)
    assert any(p.startswith("NewThing is new in the spec") for p in problems)
    assert any(p.startswith("Balance is in the catalog but not in the spec") for p in problems)
    assert any(p.startswith("/market/Other is in the spec but neither") for p in problems)


def test_get_api_key_info_joins_the_spec(spec):
    changed = copy.deepcopy(spec)
    changed["paths"]["/private/GetApiKeyInfo"] = {
        "post": {"description": "**API Key Permissions Required:** None"}
    }
    assert check(CAT, changed) == [
        "GetApiKeyInfo is now in the spec: remove it from spec.not_in_spec"
    ]


def test_a_qualified_rule_needs_a_note(spec):
    problems = check(_endpoint_with("QueryOrders", note=None), spec)
    assert problems == [
        "QueryOrders: the spec qualifies its rule ('depending on status of order'); the "
        "catalog entry needs a note saying so"
    ]


def test_a_disputed_entry_must_name_another_source_and_differ(spec):
    ep = CAT.endpoint("Balance")
    same = Disputed(source="Somebody's blog", needs=ep.needs)
    spec_itself = Disputed(source=CAT.spec.source, needs=Needs(all_of=["export-data"]))
    problems = check(_endpoint_with("Balance", disputed=[same, spec_itself]), spec)
    assert any("disputed[0] (Somebody's blog) says the same as the spec" in p for p in problems)
    assert any("disputed[1]: its source must be the other document" in p for p in problems)


def test_missing_spec_is_a_clear_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(SpecMissing, match=ENV_VAR):
        load_openapi()
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Kraken's spec not found" in err and ENV_VAR in err


def test_main_on_a_folder(capsys):
    folder = spec_check.spec_location()
    assert main([folder]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("spec-check: no drift")


@pytest.mark.parametrize(
    ("url", "raw"),
    [
        (
            spec_check.LIVE_SPEC,
            "https://raw.githubusercontent.com/krakenfx/api-specs/refs/heads/feature/openapi-spec/"
            "spot-rest/openapi_v3.yaml",
        ),
        ("https://example.org/spot-rest/", "https://example.org/spot-rest/openapi_v3.yaml"),
        ("https://example.org/x/openapi_v3.yaml", "https://example.org/x/openapi_v3.yaml"),
    ],
)
def test_urls_point_at_the_entry_file(url, raw):
    assert spec_check._raw_url(url) == raw


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def test_a_folder_url_is_read_over_http(spec):
    folder = Path(spec_check.spec_location())
    handler = functools.partial(_Quiet, directory=str(folder.parent))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/{folder.name}"
        try:
            data, source = load_openapi(url)
            assert source == f"{url}/openapi_v3.yaml" and data["paths"] == spec["paths"]
            with pytest.raises(SpecMissing, match="HTTP 404"):
                load_openapi(url + "-nope")
        finally:
            server.shutdown()
