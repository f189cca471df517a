"""Every demo scenario: the expected diagnosis, no state changed, no secret shown."""

from __future__ import annotations

import base64
import json
import re

import pytest

from doctor_support import assert_no_secrets, check_schema
from kraken_doctor import demo
from kraken_doctor.catalog import load_catalog
from kraken_doctor.demo import SCENARIOS, run_in_mock, run_scenario, unknown_key
from kraken_doctor.doctor import probes
from kraken_doctor.doctor.report import JSON_SCHEMA, render
from kraken_doctor.mock import demo_accounts

KEYS = [a.key for a in demo_accounts()] + [unknown_key()[0]]
SECRETS = [a.secret for a in demo_accounts()] + [unknown_key()[1]]


def test_the_unknown_key_has_the_catalogs_sizes_and_follows_an_edit(monkeypatch) -> None:
    cat = load_catalog()
    key, secret = unknown_key()
    assert (len(key), len(base64.b64decode(secret))) == (
        cat.kraken.api_key_length,
        cat.kraken.secret_bytes,
    )
    kraken = cat.kraken.model_copy(update={"api_key_length": 44, "secret_bytes": 48})
    monkeypatch.setattr(demo, "load_catalog", lambda: cat.model_copy(update={"kraken": kraken}))
    key, secret = unknown_key()
    assert (len(key), len(base64.b64decode(secret))) == (44, 48)


#: scenario -> (exit code, a finding code it must report)
EXPECTED = {
    "all-good": (0, "all-needed-granted"),
    "view-only": (1, "missing-modify-trades"),
    "permission-denied": (1, "missing-query-funds"),
    "withdraw-enabled": (1, "forbidden-withdraw-funds"),
    "invalid-key": (1, "eapi-invalid-key"),
    "nonce-trap": (1, "nonce-trap"),
    "two-factor": (1, "eapi-invalid-signature"),
    "rate-limited": (2, "eapi-rate-limit-exceeded"),
    "kraken-down": (2, "transport-http-5xx"),
    "maintenance": (2, "status-maintenance"),
    "user-denied": (1, "missing-query-funds"),
    "no-getapikeyinfo": (0, "no-getapikeyinfo"),
}


def test_every_scenario_is_covered_here() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("fallback", [False, True])
def test_scenario_diagnosis_and_safety(name: str, fallback: bool) -> None:
    run = run_in_mock(name, fallback=fallback)
    assert run.state_changes == [], "the doctor changed the account"
    allowed = {"SystemStatus", "Time", "GetApiKeyInfo", "Balance"} | {
        p.endpoint for p in probes.probe_specs(load_catalog())
    }
    # A request refused before routing (a CDN fault) is audited by its path.
    called = {re.sub(r"^/0/(public|private)/", "", m) for m in run.methods}
    assert called <= allowed, called - allowed
    code, finding = EXPECTED[name]
    acc = run.report.accounts[0]
    assert run.report.exit_code == code
    assert finding in {f.code for a in run.report.accounts for f in a.findings}
    text = render(run.report)
    data = render(run.report, as_json=True)
    assert_no_secrets(text + data, keys=KEYS, secrets=SECRETS)
    check_schema(JSON_SCHEMA, json.loads(data))
    if fallback and acc.permission_method:
        assert acc.permission_method == "probes"


def test_run_scenario_returns_the_printed_text_and_exit_code() -> None:
    text, code = run_scenario("view-only")
    assert code == 1 and text.startswith("Demo scenario view-only")
    assert "\x1b[" not in text  # never colour in captured output
    assert "Result: problems found (exit 1)." in text
    data, code = run_scenario("all-good", json=True)
    assert code == 0 and json.loads(data)["exit_code"] == 0


def test_an_unknown_scenario_is_refused_with_the_list() -> None:
    with pytest.raises(ValueError, match="all-good"):
        run_in_mock("no-such-scenario")


def test_the_docs_page_lists_every_scenario_with_its_description() -> None:
    import pathlib
    import re

    page = pathlib.Path(__file__).parents[1] / "docs" / "doctor.md"
    section = page.read_text().split("## Demo scenarios", 1)[1].split("\n## ", 1)[0]
    # Labels come from the catalog through the site's perm() macro; render them the same way.
    section = re.sub(
        r'\{\{ perm\("([a-z-]+)"\) \}\}',
        lambda m: load_catalog().permission(m.group(1)).label,
        section,
    )
    listed = dict(re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", section, re.MULTILINE))
    assert set(listed) == set(SCENARIOS)
    for name, about in listed.items():
        words = set(re.findall(r"[a-z0-9]+", about.lower()))
        assert words <= set(re.findall(r"[a-z0-9]+", SCENARIOS[name].about.lower())), name


def test_the_bench_reports_both_paths_within_the_plans_bounds() -> None:
    from bench.doctor import bench, format_table

    cat = load_catalog()
    plan = probes.worst_case(cat)
    info_cost = cat.endpoint("GetApiKeyInfo").cost
    rows = bench(["all-good", "view-only"])
    assert [(r["scenario"], r["path"]) for r in rows] == [
        ("all-good", "GetApiKeyInfo"),
        ("all-good", "fallback"),
        ("view-only", "GetApiKeyInfo"),
        ("view-only", "fallback"),
    ]
    for r in rows:
        assert r["state_changes"] == 0
        if r["path"] == "GetApiKeyInfo":
            assert (r["private_calls"], r["counter_points"]) == (1, info_cost)
        else:
            assert r["permission_method"] == "probes"
            assert r["private_calls"] <= 1 + plan.calls
            assert r["counter_points"] <= info_cost + plan.points
    table = format_table(rows)
    assert "view-only" in table and all(line == line.rstrip() for line in table.splitlines())
