"""The human report and the JSON: readable, colour only on a terminal, schema kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema

from doctor_support import check_schema
from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor import verdict
from kraken_doctor.doctor.model import AccountReport, CallRecord, CheckReport, Finding
from kraken_doctor.doctor.report import JSON_SCHEMA, render, use_color

CAT = load_catalog()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _report() -> CheckReport:
    states = {p.id: "granted" for p in CAT.permissions}
    needed = CAT.required_permissions[0]
    forbidden = CAT.forbidden_permissions[0]
    states[needed.id] = "missing"
    for p in CAT.forbidden_permissions[1:]:
        states[p.id] = "missing"
    rep = AccountReport("master", "K", "S", "...abcd", "environment")
    rep.add(Finding("permissions", "fail", f"missing-{needed.id}", "m" * 300, "fix it", "u"))
    rep.add(Finding("credentials", "pass", "variables-found", "found"))
    rep.add(Finding("danger", "info", "no-expiry", "never expires", "advice"))
    rep.permissions = states
    rep.checklist = verdict.checklist(states, CAT)
    rep.calls = [CallRecord("GetApiKeyInfo", True, "ok", 1, 3.2)]
    rep.exit_code = verdict.exit_code(rep)
    out = CheckReport("http://127.0.0.1:1")
    out.accounts.append(rep)
    assert [i.permission for i in rep.checklist] == [needed.id, forbidden.id]
    return out


def test_text_is_in_step_order_wrapped_and_ends_with_the_result() -> None:
    text = render(_report())
    lines = text.splitlines()
    assert max(len(line) for line in lines if "docs:" not in line) <= 100
    assert text.index("credentials") < text.index("permissions") < text.index("danger")
    assert lines[-1] == "Result: problems found (exit 1)."
    needed = CAT.required_permissions[0]
    assert f"[ ] tick    {CAT.group(needed.group).label} > {needed.label}" in text
    assert f'(formerly "{needed.old_labels[0]}")' in text
    assert "[x] untick" in text and "\x1b[" not in text


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert use_color(_Tty(), {}) is True
    assert use_color(io.StringIO(), {}) is False
    assert use_color(_Tty(), {"NO_COLOR": "1"}) is False
    assert use_color(_Tty(), {"NO_COLOR": ""}) is True  # an empty NO_COLOR does not count
    assert "\x1b[" in render(_report(), color=True)


def test_json_matches_the_published_schema() -> None:
    data = json.loads(render(_report(), as_json=True))
    check_schema(JSON_SCHEMA, data)
    acc = data["accounts"][0]
    assert acc["private_calls"] == 1 and acc["counter_points"] == 1
    assert data["exit_code"] == acc["exit_code"] == 1


def test_the_calls_line_counts_public_and_private_calls_apart() -> None:
    """Only private calls use the key's REST counter: the line must not mix the two up."""
    rep = AccountReport("master", permission_method="GetApiKeyInfo")
    rep.calls = [
        CallRecord("Time", False, "ok", 0, 1.0),
        CallRecord("SystemStatus", False, "ok", 0, 1.0),
        CallRecord("GetApiKeyInfo", True, "ok", 1, 1.0),
        CallRecord("Balance", True, "ok", 1, 1.0),
        CallRecord("Ledgers", True, "ok", 2, 1.0),
    ]
    out = CheckReport("http://127.0.0.1:1")
    out.accounts.append(rep)
    assert (
        "  Calls: 2 public, 3 private (4 REST counter points, permissions read with GetApiKeyInfo)"
        in render(out).splitlines()
    )


def test_exit_codes_problems_win_over_could_not_run() -> None:
    rep = AccountReport("master")
    assert verdict.exit_code(rep) == 0
    rep.add(Finding("reachability", "error", "x", "down"))
    assert verdict.exit_code(rep) == 2
    rep.add(Finding("hygiene", "fail", "y", "bad"))
    assert verdict.exit_code(rep) == 1
    assert CheckReport("u").exit_code == 2  # nothing could be checked


def test_the_published_schema_changes_only_on_purpose() -> None:
    """`--json-schema` is derived from the report's types; this snapshot shows any change in
    review. After a deliberate change: `kraken-doctor check --json-schema >
    tests/snapshots/check-report.schema.json` (and bump SCHEMA_VERSION if a field changed
    meaning)."""
    snapshot = Path(__file__).parent / "snapshots" / "check-report.schema.json"
    assert JSON_SCHEMA == json.loads(snapshot.read_text("utf-8"))


def test_the_schema_refuses_what_the_report_never_holds() -> None:
    data = json.loads(render(_report(), as_json=True))
    validator = jsonschema.Draft202012Validator(JSON_SCHEMA)
    for change in (
        lambda d: d["accounts"][0]["findings"][0].update(status="fine"),
        lambda d: d["accounts"][0].pop("key_hint"),
        lambda d: d["accounts"][0].update(secret="x"),
        lambda d: d["accounts"][0]["permissions"].update({"query-funds": "yes"}),
        lambda d: d.update(schema_version=2),
        lambda d: d.update(exit_code=3),
    ):
        bad = json.loads(json.dumps(data))
        change(bad)
        assert not validator.is_valid(bad), bad
