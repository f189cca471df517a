"""The site's tables come from the catalog: its permissions, in its order, forbidden ones
marked; change the catalog and the tables change with it."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

import macros
from kraken_doctor import docs_url
from kraken_doctor.catalog import Catalog, load_catalog


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the first Markdown table, as lists of cells."""
    lines = [ln for ln in markdown.splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


def bold(cell: str) -> str:
    match = re.search(r"\*\*(.+?)\*\*", cell)
    assert match, cell
    return match.group(1)


def modified_catalog(tmp_path: Path) -> Catalog:
    """The packaged catalog with a relabelled box, a new box, and the first two swapped."""
    text = resources.files("kraken_doctor").joinpath("catalog.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    perms = data["permissions"]
    perms[0]["label"] = "Query balances"
    perms[0], perms[1] = perms[1], perms[0]
    perms.append(
        {
            "id": "move-everything",
            "group": "funds",
            "label": "Move everything",
            "old_labels": ["Move All Funds"],
            "bot_needs": False,
            "why": "A box made up for this test.",
            "forbidden": True,
        }
    )
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return load_catalog(path)


# -- permissions ----------------------------------------------------------------------------


def test_permission_table_lists_the_catalog_in_order(cat: Catalog) -> None:
    rows = table_rows(macros.permission_table(cat))
    assert [bold(r[1]) for r in rows] == [p.label for p in cat.permissions]
    for row, p in zip(rows, cat.permissions, strict=True):
        assert row[0] == cat.group(p.group).label
        assert (macros.CROSS in row[3]) == p.forbidden
        assert (macros.TICK in row[3]) == p.bot_needs
        assert all(old in row[2] for old in p.old_labels)
        assert p.why in row[4]


def test_permission_table_follows_a_changed_catalog(tmp_path: Path, cat: Catalog) -> None:
    changed = modified_catalog(tmp_path)
    rows = table_rows(macros.permission_table(changed))
    labels = [bold(r[1]) for r in rows]
    assert labels == [p.label for p in changed.permissions]
    assert labels[:2] == [cat.permissions[1].label, "Query balances"]
    assert labels[-1] == "Move everything" and macros.CROSS in rows[-1][3]
    assert macros.permission_table(changed) != macros.permission_table(cat)


def test_checklist_ticks_required_and_crosses_forbidden(cat: Catalog) -> None:
    lines = macros.required_checklist(cat).splitlines()
    ticks = [bold(ln) for ln in lines if macros.TICK in ln]
    crosses = [bold(ln) for ln in lines if macros.CROSS in ln]
    assert ticks == [p.label for p in cat.required_permissions]
    assert crosses == [p.label for p in cat.forbidden_permissions]
    for p in [*cat.required_permissions, *cat.forbidden_permissions]:
        assert all(f"“{old}”" in macros.required_checklist(cat) for old in p.old_labels)


def test_checklist_and_quick_reference_follow_a_changed_catalog(tmp_path: Path) -> None:
    changed = modified_catalog(tmp_path)
    checklist = macros.required_checklist(changed)
    assert "**Query balances**" in checklist
    assert f"{macros.CROSS} Leave off **Move everything** (formerly “Move All Funds”)" in checklist
    quick = macros.quick_reference(changed)
    assert quick.startswith("```text") and "Move everything (was: Move All Funds)" in quick


def test_required_labels_phrase(cat: Catalog) -> None:
    phrase = macros.required_labels(cat)
    assert re.findall(r"\*\*(.+?)\*\*", phrase) == [p.label for p in cat.required_permissions]


# -- endpoints, env vars, platforms, tiers --------------------------------------------------


def test_endpoint_table_has_every_endpoint_and_its_rule(cat: Catalog) -> None:
    rows = table_rows(macros.endpoint_table(cat))
    assert [r[0].strip("`") for r in rows] == [e.name for e in cat.endpoints]
    by_name = {r[0].strip("`"): r for r in rows}
    assert by_name["CancelOrder"][1].startswith("any of: ")
    assert by_name["AddOrderBatch"][1].startswith("all of: ")
    assert by_name["GetApiKeyInfo"][1].startswith("none")
    assert by_name["Withdraw"][3] == "yes" and by_name["Balance"][3] == "no"
    assert by_name["ClosedOrders"][2] == "1 (uncertain)"
    trade_balance = cat.endpoint("TradeBalance")
    for d in trade_balance.disputed:
        assert d.source in by_name["TradeBalance"][4]


def test_env_var_table_master_users_and_legacy(cat: Catalog) -> None:
    table = macros.env_var_table(cat)
    ev = cat.env_vars
    for name in (ev.master.key, ev.master.secret, ev.legacy.key, ev.legacy.secret):
        assert f"`{name}`" in table
    for user in ev.example_users:
        key, secret = ev.for_user(user)
        assert f"| User `{user}` | `{key}` | `{secret}` |" in table
    assert ev.legacy.note in table


def test_platform_tabs_one_tab_per_platform(cat: Catalog) -> None:
    tabs = macros.platform_tabs(cat, "restart")
    assert re.findall(r'^=== "(.+)"$', tabs, re.M) == [p.name for p in cat.platforms]
    for p in cat.platforms:
        for step in p.restart + p.logs:
            assert step.text in tabs
            assert step.command is None or f"    {step.command}" in tabs
        for step in p.update:
            assert step.text not in tabs  # "restart" leaves the variables out
    both = macros.platform_tabs(cat, "both")
    assert all(s.text in both for p in cat.platforms for s in p.update + p.restart)
    table = macros.platform_table(cat)
    for p in cat.platforms:  # each restart step, without the question the heading asks
        for step in p.restart:
            assert step.text.split("? ")[-1][1:] in table


def test_every_platform_step_is_listed_with_its_source(cat: Catalog) -> None:
    listed = macros.platform_sources(cat)
    for p in cat.platforms:
        assert f"**{p.name}** (checked {p.checked.isoformat()})" in listed
        for step in p.update + p.restart + p.logs:
            assert f"<{step.source}>" in listed
    # the sources stay out of the reader's steps
    assert "https://" not in macros.platform_tabs(cat, "both").replace("<image>", "")


def test_account_list_decodes_both_labels_with_their_variables_and_check(cat: Catalog) -> None:
    text = macros.account_list(cat)
    user = cat.env_vars.example_users[0]
    for name in (cat.env_vars.master.key, cat.env_vars.master.secret, *cat.env_vars.for_user(user)):
        assert f"`{name}`" in text
    assert "`kraken-doctor check --account MASTER`" in text
    assert f"`kraken-doctor check --account USER:{user}`" in text


def test_checklist_with_reasons_puts_each_boxs_reason_beside_it(cat: Catalog) -> None:
    lines = macros.required_checklist(cat, reasons=True).splitlines()
    boxes = cat.required_permissions + cat.forbidden_permissions
    assert len(lines) == len(boxes)
    for line, p in zip(lines, boxes, strict=True):
        assert f"**{p.label}**" in line and line.endswith(macros.first_sentence(p.why))


def test_open_questions_gather_what_readers_are_spared(cat: Catalog) -> None:
    text = macros.open_questions(cat)
    assert all(g.note in text for g in cat.permission_groups if g.note)
    assert all(e.uncertain in text for e in cat.errors if e.uncertain)
    assert "not confirmed" not in macros.error_index(cat, "errors/index.md")
    assert all(g.note not in macros.permission_table(cat) for g in cat.permission_groups if g.note)


def test_rate_tier_table(cat: Catalog) -> None:
    rows = table_rows(macros.rate_tier_table(cat))
    assert [r[0] for r in rows] == [t.label for t in cat.rate_tiers]
    assert [int(r[1]) for r in rows] == [t.max_counter for t in cat.rate_tiers]


# -- errors ---------------------------------------------------------------------------------


def test_error_index_links_every_error_once_by_category(cat: Catalog) -> None:
    index = macros.error_index(cat, "errors/index.md")
    links = re.findall(r"\]\(([a-z0-9-]+\.md)\)", index)
    assert sorted(links) == sorted(f"{e.slug}.md" for e in cat.errors)
    headings = re.findall(r"^## (.+?) \{", index, re.M)
    used = [c.title for c in cat.categories if any(e.category == c.id for e in cat.errors)]
    assert headings == used


def test_error_page_anatomy(cat: Catalog) -> None:
    entry = cat.error("eapi-invalid-nonce")
    page = macros.error_page(cat, entry.slug, "errors/eapi-invalid-nonce.md")
    assert page.startswith(f'# Fix Kraken "{entry.title}"')
    assert f'"error": ["{entry.string}"]' in page
    order = ["#meaning", "#causes", "#fix", "#verify", "#retry", "#related"]
    positions = [page.index(anchor) for anchor in order]
    assert positions == sorted(positions)
    assert len(re.findall(r"^\d+\. ", page, re.M)) == len(entry.fix)
    for r in entry.related:
        assert f"]({cat.error(r).slug}.md)" in page


def test_lockout_warning_only_where_retrying_adds_to_it(cat: Catalog) -> None:
    """Every error that must not be retried blind; the lockout warning only on auth errors."""
    for entry in cat.errors:
        if entry.retry not in ("never", "after-fix"):
            continue
        page = macros.error_sections(cat, entry, f"errors/{entry.slug}.md")
        retry = page.split("{ #retry }", 1)[1].split("\n## ", 1)[0]
        assert ("temporary lockout" in retry) is (entry.category == "auth"), entry.slug


def test_error_links_are_relative_to_the_page(cat: Catalog) -> None:
    link = macros.error_link(cat, "EAPI:Invalid key", "guides/connection-check.md")
    assert link == "[`EAPI:Invalid key`](../errors/eapi-invalid-key.md)"
    assert macros.error_link(cat, "eapi-invalid-key", "index.md", short=True) == (
        "[Invalid key](errors/eapi-invalid-key.md)"
    )


def test_explain_line_finds_the_error_in_a_log_line(cat: Catalog) -> None:
    line = "❌ Kraken connection test failed (MASTER): EAPI:Invalid nonce"
    assert "eapi-invalid-nonce.md" in macros.explain_line(cat, line, "index.md")
    assert "errors/index.md" in macros.explain_line(cat, "nothing to see", "index.md")


def test_uncertain_error_shows_a_warning(cat: Catalog) -> None:
    page = macros.error_page(cat, "esession-invalid-session", None)
    assert '!!! warning "Not confirmed by Kraken"' in page


def test_fence_is_longer_than_any_backticks_inside() -> None:
    assert macros.fenced("plain").startswith("```text\n")
    assert macros.fenced("has ``` inside").startswith("````text\n")


# -- captured outputs -----------------------------------------------------------------------


def test_snippet_output_is_what_the_snippet_prints_fenced(cat: Catalog) -> None:
    """Captured from the real snippet against the mock, as the build does."""
    out = macros.snippet_output("error_link.py", ("EAPI:Invalid key",))
    assert out == macros.fenced(docs_url("EAPI:Invalid key"))
    out = macros.snippet_output("connection_test.py", (), "no-query-funds")
    assert out.startswith("```text\n") and out.endswith("\n```")
    assert cat.error("egeneral-permission-denied").string in out


def test_doctor_output_is_the_demo_run_fenced(cat: Catalog) -> None:
    """Captured from the real `kraken-doctor demo` scenario: a text block that shows the
    missing box by its label, the checklist and the verdict the doctor gave."""
    out = macros.doctor_output("permission-denied")
    assert out.startswith("```text\n") and out.rstrip().endswith("```")
    query = cat.permission("query-funds")
    assert f"[ ] tick    {cat.group(query.group).label} > {query.label}" in out
    assert "Result: problems found (exit 1)." in out
