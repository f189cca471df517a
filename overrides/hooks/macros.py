"""mkdocs-macros entry point: every table on the site, rendered from the catalog.

Each function takes the catalog and returns Markdown, so a test can render it from a changed
catalog. `define_env` registers thin wrappers that pages call with `render_macros: true`.
Links are made relative to the page being rendered, so strict link validation checks them.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import figures
from kraken_doctor.catalog import (
    Catalog,
    KrakenErrorEntry,
    Needs,
    Permission,
    PlatformStep,
    load_catalog,
)
from kraken_doctor.links import errors_index, find_error

#: Error categories the bot's connection test (a private Balance call) can run into.
CONNECTION_TEST_CATEGORIES = {"auth", "general", "rate-limit", "service"}

#: The page that shows how to run the bot's connection test by hand.
CONNECTION_TEST_PAGE = "guides/connection-check.md#by-hand"

#: The page of the `kraken-doctor` command.
DOCTOR_PAGE = "doctor.md"

#: The bot's log line when its connection test fails (nija-bot.md section 3).
CONNECTION_FAILED = "❌ Kraken connection test failed ({label}): {error}"
LOG_PREFIX = "2026-01-10 11:47:26 | ERROR | "

MASTER_NOTE = "The bot operator's own account."

TICK = "✅"
CROSS = "❌"


# -- small helpers ---------------------------------------------------------------------------


def fenced(text: str, lang: str = "text") -> str:
    """A fenced code block whose fence is longer than any backtick run inside `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def cell(text: str) -> str:
    """Catalog text made safe for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


def relative(target: str, page: str | None) -> str:
    """Link from the page whose source is `page` to the source `target` (both docs-relative)."""
    if not page:
        return target
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def error_source(cat: Catalog, entry: KrakenErrorEntry) -> str:
    """The Markdown source of an error's page, e.g. `errors/eapi-invalid-key.md`."""
    return f"{cat.site.errors_path}{entry.slug}.md"


def label_with_old(p: Permission) -> str:
    """`**Query**` and, where Kraken used other names, `(formerly "Query Funds")`."""
    old = ", ".join(f"“{o}”" for o in p.old_labels)
    return f"**{p.label}**" + (f" (formerly {old})" if old else "")


def perm_in_group(cat: Catalog, p: Permission) -> str:
    """`**Query** (Funds permissions)`: a one-word label such as "On" needs its group;
    a longer one says enough by itself."""
    if " " in p.label:
        return f"**{p.label}**"
    return f"**{p.label}** ({cat.group(p.group).label})"


def needs_text(cat: Catalog, needs: Needs) -> str:
    """A permission rule in words: 'none', one label, 'all of: ...' or 'any of: ...'."""
    labels = [perm_in_group(cat, cat.permission(pid)) for pid in needs.ids]
    if not labels:
        return "none (any valid key)"
    if len(labels) == 1:
        return labels[0]
    if needs.any_of is not None:
        return "any of: " + " or ".join(labels)
    return "all of: " + " and ".join(labels)


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    return match.group(1) if match else text.strip()


def user_label(cat: Catalog, index: int = 0) -> str:
    return f"USER:{cat.env_vars.example_users[index]}"


# -- permissions -----------------------------------------------------------------------------


def permission_table(cat: Catalog) -> str:
    """Every permission in Kraken's UI order: group, label, older labels, needed or not, why."""
    rows = [
        "| Group | Permission on kraken.com | Older names | The bot needs it? | Why |",
        "|---|---|---|---|---|",
    ]
    for p in cat.permissions:
        if p.forbidden:
            verdict = f"{CROSS} **Never tick it**"
        elif p.bot_needs:
            verdict = f"{TICK} Tick it"
        else:
            verdict = "Leave it off"
        old = ", ".join(p.old_labels) or "—"
        group = cat.group(p.group).label
        rows.append(f"| {group} | **{cell(p.label)}** | {cell(old)} | {verdict} | {cell(p.why)} |")
    return "\n".join(rows)


def open_questions(cat: Catalog) -> str:
    """What the catalog is unsure of, for the reference page only: group notes, uncertain
    counter costs and errors Kraken has not confirmed (readers' pages say it once, plainly)."""
    lines = [f"- *{g.label}:* {g.note}" for g in cat.permission_groups if g.note]
    lines += [
        f"- `{e.name}`: its counter cost is not confirmed."
        for e in cat.endpoints
        if e.cost_uncertain
    ]
    lines += [f"- `{e.string}`: {e.uncertain}" for e in cat.errors if e.uncertain]
    return "\n".join(lines)


def required_checklist(cat: Catalog, reasons: bool = False) -> str:
    """The boxes to tick and the ones never to tick, by today's label and the older ones;
    with `reasons`, each box's reason beside it (the catalog's `why`)."""

    def box(p: Permission) -> str:
        if not reasons:
            return f"{label_with_old(p)} in *{cat.group(p.group).label}*"
        # Beside the picture of the form, a long label needs no group; "Query" does.
        group = f" in *{cat.group(p.group).label}*" if " " not in p.label else ""
        return f"{label_with_old(p)}{group}: {first_sentence(p.why)}"

    lines = [f"- {TICK} Tick {box(p)}" for p in cat.required_permissions]
    lines += [f"- {CROSS} Leave off {box(p)}" for p in cat.forbidden_permissions]
    return "\n".join(lines)


def optional_groups_note(cat: Catalog) -> str:
    """The one sentence readers get about boxes some forms may not show (groups with a note)."""
    groups = [g.label for g in cat.permission_groups if g.note]
    if not groups:
        return ""
    names = " and ".join(f"*{g}*" for g in groups)
    return f"If your form has no {names} boxes, skip them."


def quick_reference(cat: Catalog) -> str:
    """The checklist as a plain block to copy into notes or a support ticket."""

    def line(mark: str, p: Permission, extra: str = "") -> str:
        old = f" (was: {', '.join(p.old_labels)})" if p.old_labels else ""
        return f"{mark} {cat.group(p.group).label} - {p.label}{old}{extra}"

    lines = [line(TICK, p) for p in cat.required_permissions]
    lines += [line(CROSS, p, "  DO NOT enable") for p in cat.forbidden_permissions]
    return fenced("\n".join(lines))


def perm(cat: Catalog, permission_id: str, old: bool = False) -> str:
    """One permission's label for prose, so labels are never typed by hand in a page."""
    p = cat.permission(permission_id)
    return label_with_old(p) if old else perm_in_group(cat, p)


def required_labels(cat: Catalog) -> str:
    """'**A**, **B** and **C**': the required permissions as a phrase for prose."""
    labels = [f"**{p.label}**" for p in cat.required_permissions]
    return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]


# -- endpoints and rate limits ---------------------------------------------------------------


def endpoint_table(cat: Catalog) -> str:
    """Each private endpoint: the permissions it needs, its counter cost, what other sources say."""
    rows = [
        "| Endpoint | Needs (Kraken's API spec) | Counter cost | Changes the account | "
        "Other sources say |",
        "|---|---|---|---|---|",
    ]
    for e in cat.endpoints:
        cost = f"{e.cost} (uncertain)" if e.cost_uncertain else str(e.cost)
        disputed = "<br>".join(f"{cell(d.source)}: {needs_text(cat, d.needs)}" for d in e.disputed)
        needs = needs_text(cat, e.needs) + (f"<br>*{cell(e.note)}*" if e.note else "")
        state = "yes" if e.changes_state else "no"
        rows.append(f"| `{e.name}` | {needs} | {cost} | {state} | {disputed or '—'} |")
    return "\n".join(rows)


def rate_tier_table(cat: Catalog) -> str:
    rows = [
        "| Verification tier | Counter maximum | Drains by | Full to empty in |",
        "|---|---|---|---|",
    ]
    for t in cat.rate_tiers:
        seconds = round(t.max_counter / t.decay_per_second)
        rows.append(
            f"| {t.label} | {t.max_counter} | {t.decay_per_second:g} per second | "
            f"about {seconds} s |"
        )
    return "\n".join(rows)


# -- environment variables and platforms -----------------------------------------------------


def env_var_table(cat: Catalog) -> str:
    """Master, one row per example user (first-name rule applied), and the legacy pair."""
    ev = cat.env_vars
    rows = [
        "| Account | API key variable | Private key (secret) variable | Notes |",
        "|---|---|---|---|",
        f"| Master | `{ev.master.key}` | `{ev.master.secret}` | {ev.master.note or MASTER_NOTE} |",
        f"| Any user (the rule) | `{ev.user.key}` | `{ev.user.secret}` | `{{FIRST}}` is the "
        "user id up to its first underscore, in capitals. |",
    ]
    for user in ev.example_users:
        key, secret = ev.for_user(user)
        rows.append(
            f"| User `{user}` | `{key}` | `{secret}` | First name: `{ev.first_name(user)}` |"
        )
    rows.append(
        f"| Legacy (master only) | `{ev.legacy.key}` | `{ev.legacy.secret}` | {ev.legacy.note} |"
    )
    return "\n".join(rows)


def env_example(cat: Catalog, placeholder: str = "<paste here>") -> str:
    """A `.env` file for the master and the example users, with placeholders for the values."""
    ev = cat.env_vars
    pairs = [(ev.master.key, ev.master.secret)] + [ev.for_user(u) for u in ev.example_users]
    lines: list[str] = []
    for key, secret in pairs:
        lines += [f"{key}={placeholder}", f"{secret}={placeholder}", ""]
    return fenced("\n".join(lines).rstrip(), "sh")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _step(step: PlatformStep) -> str:
    return step.text + ("\n\n" + indent(fenced(step.command, "sh")) if step.command else "")


def _steps(steps: list[PlatformStep]) -> str:
    return "\n".join(f"{i}. " + _step(s) for i, s in enumerate(steps, 1))


def platform_table(cat: Catalog) -> str:
    """One row per platform: restart with no variable changed, whether saving restarts, log."""
    rows = [
        "| Platform | Restart when no variable changed | Saving a variable restarts the bot? |",
        "|---|---|---|",
    ]
    for p in cat.platforms:
        auto = "yes" if p.redeploys_on_change else "no"
        # The column heading already asks the step's question ("Nothing changed ...?").
        restart = " ".join(
            _capital(re.sub(r"^[^?]*\?\s*", "", s.text)) + (f" `{s.command}`" if s.command else "")
            for s in p.restart
        )
        rows.append(f"| {p.name} | {cell(restart)} | {auto} |")
    return "\n".join(rows)


def platform_tabs(cat: Catalog, show: str = "both") -> str:
    """Content tabs, one per platform: update a variable (`set`), `restart`, or `both`;
    every tab ends with where the log is."""
    blocks: list[str] = []
    for p in cat.platforms:
        parts: list[str] = []
        if show in ("set", "both"):
            parts.append("**Update the variables:**\n\n" + _steps(p.update))
        if show in ("restart", "both"):
            parts.append("**Restart:**\n\n" + _steps(p.restart))
        parts.append("**Read the log:** " + " ".join(_step(s) for s in p.logs))
        blocks.append(f'=== "{p.name}"\n\n' + indent("\n\n".join(parts)))
    return "\n\n".join(blocks)


def platform_sources(cat: Catalog) -> str:
    """Every platform step with the page it was checked against: for the reference page."""
    lines: list[str] = []
    for p in cat.platforms:
        lines.append(f"**{p.name}** (checked {p.checked.isoformat()}):\n")
        for kind, steps in (("update", p.update), ("restart", p.restart), ("log", p.logs)):
            for s in steps:
                command = f" `{s.command}`" if s.command else ""
                lines.append(f"- {kind}: {s.text.rstrip(':')}{command} (<{s.source}>)")
        lines.append("")
    return "\n".join(lines).rstrip()


def account_list(cat: Catalog) -> str:
    """What the part in brackets of the log line means: whose Kraken login, which variables,
    and the command that checks that account's key."""
    ev = cat.env_vars
    user = ev.example_users[0]
    key, secret = ev.for_user(user)
    return "\n".join(
        [
            "- **`MASTER`**: your own key, on the Kraken login you run the bot with. "
            f"Variables: `{ev.master.key}` and `{ev.master.secret}`. Check it: "
            "`kraken-doctor check --account MASTER`.",
            f"- **`USER:{user}`**: the user `{user}`'s key, on **their own Kraken login**: "
            "they make the fix below, or sign in with you. Variables: "
            f"`{key}` and `{secret}` (the user id up to its first underscore, in capitals). "
            f"Check it: `kraken-doctor check --account USER:{user}`.",
        ]
    )


# -- errors ----------------------------------------------------------------------------------


def error_lines(cat: Catalog, entry: KrakenErrorEntry) -> str:
    """The error as users meet it: in the bot's log (where the connection test can hit it)
    and in Kraken's raw answer."""
    parts: list[str] = []
    if entry.category in CONNECTION_TEST_CATEGORIES:
        line = CONNECTION_FAILED.format(label=user_label(cat), error=entry.string)
        parts.append("In the bot's log:\n\n" + fenced(LOG_PREFIX + line))
    raw = json.dumps({"error": [entry.string], "result": {}}, ensure_ascii=False)
    parts.append("In Kraken's answer to the API call:\n\n" + fenced(raw, "json"))
    return "\n\n".join(parts)


def error_link(cat: Catalog, error: str, page: str | None, short: bool = False) -> str:
    """A link to an error's page, labelled with the exact error string (or its title)."""
    entry = cat.error(error)
    text = entry.title if short else f"`{entry.string}`"
    return f"[{text}]({relative(error_source(cat, entry), page)})"


def related_line(cat: Catalog, entry: KrakenErrorEntry, page: str | None) -> str:
    """The related errors as one line of links by title, for a page that must stay short."""
    return ", ".join(error_link(cat, r, page, short=True) for r in entry.related)


def related_list(cat: Catalog, entry: KrakenErrorEntry, page: str | None) -> str:
    lines = []
    for r in entry.related:
        other = cat.error(r)
        lines.append(f"- {error_link(cat, other.string, page)}: {first_sentence(other.meaning)}")
    return "\n".join(lines)


def error_sections(cat: Catalog, entry: KrakenErrorEntry, page: str | None) -> str:
    """What it means, causes, fix, verify, retry and related: the same anatomy on every page."""
    parts = [f"## What it means {{ #meaning }}\n\n{entry.meaning}"]
    if entry.uncertain:
        parts.append(f'!!! warning "Not confirmed by Kraken"\n\n    {entry.uncertain}')
    parts.append("## Common causes { #causes }\n\n" + "\n".join(f"- {c}" for c in entry.causes))
    parts.append(
        "## Fix it { #fix }\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(entry.fix, 1))
    )
    verify = entry.verify
    if entry.category in CONNECTION_TEST_CATEGORIES:
        test = relative(CONNECTION_TEST_PAGE, page)
        verify += (
            f"\n\nTo see what the bot will see, run the [connection test]({test}) with the "
            "bot's variables: it makes the bot's first call and prints either the bot's "
            "connected block or this error with a link to its fix. The "
            f"[doctor]({relative(DOCTOR_PAGE, page)}) checks the key, its permission boxes "
            "and its nonce in one go."
        )
    parts.append(f"## Check the fix {{ #verify }}\n\n{verify}")
    parts.append(f"## Should the bot retry? {{ #retry }}\n\n{cat.retry_text(entry)}")
    if entry.related:
        parts.append("## Related errors { #related }\n\n" + related_list(cat, entry, page))
    guides = cat.category(entry.category).guides
    if guides:
        links = "\n".join(f"- [{g.text}]({relative(g.page, page)})" for g in guides)
        parts.append("## Guides { #guides }\n\n" + links)
    return "\n\n".join(parts)


def error_footer(cat: Catalog, entry: KrakenErrorEntry) -> str:
    spellings = ", ".join(f"`{a}`" for a in entry.aliases)
    short = cat.site.base_url + cat.site.short_path + entry.slug + "/"
    text = f"Short link for this page: `{short}`"
    if spellings:
        text = f"Also seen as: {spellings}.\n\n" + text
    return text


def error_page(cat: Catalog, slug: str, page: str | None) -> str:
    """A whole error page: title, the error lines, then the common anatomy."""
    entry = cat.error(slug)
    return "\n\n".join(
        [
            f'# Fix Kraken "{entry.title}"',
            f"Kraken's error `{entry.string}`, as you meet it:",
            error_lines(cat, entry),
            error_sections(cat, entry, page),
            error_footer(cat, entry),
        ]
    )


def error_index(cat: Catalog, page: str | None) -> str:
    """Every error page, grouped by category, with the first sentence of its meaning."""
    parts: list[str] = []
    for c in cat.categories:
        category, heading = c.id, c.title
        entries = [e for e in cat.errors if e.category == category]
        if not entries:
            continue
        rows = ["| Error | What it means |", "|---|---|"]
        for e in entries:  # doubts are said on the error's page and the reference, not here
            rows.append(f"| {error_link(cat, e.string, page)} | {first_sentence(e.meaning)} |")
        parts.append(f"## {heading} {{ #{category} }}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def explain_line(cat: Catalog, line: str, page: str | None) -> str:
    """Link a whole log line to the page that fixes it, as `kraken_doctor.docs_url` does."""
    entry = find_error(line, cat)
    if entry is None:
        return f"[the error index]({relative(cat.site.errors_path + 'index.md', page)})"
    return error_link(cat, entry.string, page)


def errors_json_sample(cat: Catalog, count: int = 2) -> str:
    """The first entries of errors.json, exactly as the build publishes them."""
    index = errors_index(cat)
    sample = dict(list(index.items())[:count])
    return fenced(json.dumps(sample, indent=2, ensure_ascii=False), "json")


def site_address(cat: Catalog, kind: str = "base") -> str:
    """The published addresses bots print: the site, the error pages, or the short links."""
    paths = {"base": "", "errors": cat.site.errors_path, "short": cat.site.short_path}
    return cat.site.base_url + paths[kind]


# -- captured outputs (others' modules, imported only when a page asks) ----------------------


def snippet_output(name: str, args: tuple[str, ...] = (), account: str = "trader") -> str:
    """What a snippet prints when run against the mock; captured at build time, never typed.
    (The site's macro reads it from the capture cache; see `define_env`.)"""
    from captures import run, snippet_capture
    from snippet_runs import PROJECT_DIR

    return fenced(run(snippet_capture(name, args, account), PROJECT_DIR))


def doctor_output(scenario: str, json: bool = False) -> str:
    """What `kraken-doctor demo --scenario NAME` prints; captured at build time."""
    from captures import doctor_capture, run
    from snippet_runs import PROJECT_DIR

    return fenced(run(doctor_capture(scenario, json), PROJECT_DIR))


# -- the clients bots use --------------------------------------------------------------------

#: The project's pyproject.toml, where the clients the snippets are tested with are pinned.
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@cache
def pinned_version(package: str) -> str:
    """The version pyproject.toml pins `package` to: the one CI runs the snippets with."""
    groups = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("dependency-groups", {})
    for requirement in (r for group in groups.values() for r in group if isinstance(r, str)):
        pin = re.fullmatch(rf"{re.escape(package)}\s*==\s*([\w.]+)", requirement.strip())
        if pin:
            return pin[1]
    raise ValueError(f"{PYPROJECT.name}: {package} is not pinned (name==version) in a group")


def snippet_tabs(
    cat: Catalog, spec: str, title: str = "the whole script", fold: bool = True
) -> str:
    """One content tab per client (the catalog's `clients`, in order): its install line and
    run line, then that client's version of the snippet. Tabs with the same titles switch
    together on every page (Material's content.tabs.link)."""
    file, _, section = spec.partition(":")
    stem = file.removesuffix(".py")
    tabs = []
    for client in cat.clients:
        name = f"{stem}{client.snippet_suffix}.py"
        include = f'--8<-- "{name}{":" + section if section else ""}"'
        code = fenced(include, "python")
        listing = f'??? example "{name}: {title}"\n\n{indent(code)}' if fold else code
        install = fenced(
            f"pip install {client.name}=={pinned_version(client.name)}\npython {name}", "sh"
        )
        tabs.append(f'=== "{client.name}"\n\n{indent(install)}\n\n{indent(listing)}\n')
    return "\n".join(tabs)


def client_error_table(cat: Catalog, page: str | None) -> str:
    """Each catalog error as each client shows it, and its page. A class in bold stands for
    this one error, so its name alone finds the page (links.client_classes)."""
    from kraken_doctor.links import client_classes

    alone = client_classes(cat)
    # A client that raises nothing (krakenex returns Kraken's answer) would be a column of
    # one repeated phrase: the page says it in a sentence instead, and the table fits.
    raisers = [c for c in cat.clients if any(c.raised_for(e.string) for e in cat.errors)]
    head = ["Kraken error (its page)"] + [c.name for c in raisers]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for entry in cat.errors:
        cells = [error_link(cat, entry.string, page)]
        for client in raisers:
            raised = client.raised_for(entry.string)
            if raised is None:
                cells.append("returns Kraken's answer")
            else:
                cells.append(f"**`{raised}`**" if raised in alone else f"`{raised}`")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# -- registration ----------------------------------------------------------------------------


def define_env(env: Any) -> None:
    """Register the macros pages may call (pages opt in with `render_macros: true`)."""
    import captures

    cat = load_catalog()
    env.variables["catalog"] = cat
    env.variables["env_vars"] = cat.env_vars
    # Captures come from the disk cache, or run in parallel (captures); the
    # project is the one being built, whose snippets/ the pages include.
    project = Path(env.conf["config_file_path"]).resolve().parent
    captures.close_current()

    def captured(capture: captures.Capture) -> str:
        return fenced(captures.for_build(project).text(capture))

    def page() -> str | None:
        return env.page.file.src_uri if env.page is not None else None

    plain: dict[str, Callable[..., str]] = {
        "permission_table": lambda: permission_table(cat),
        "required_checklist": lambda reasons=False: required_checklist(cat, reasons),
        "optional_groups_note": lambda: optional_groups_note(cat),
        "open_questions": lambda: open_questions(cat),
        "platform_sources": lambda: platform_sources(cat),
        "account_list": lambda: account_list(cat),
        "key_form_figure": lambda: figures.key_form_figure(cat),
        "settings_api_figure": lambda: figures.settings_api_figure(),
        "quick_reference": lambda: quick_reference(cat),
        "required_labels": lambda: required_labels(cat),
        "perm": lambda permission_id, old=False: perm(cat, permission_id, old),
        "endpoint_table": lambda: endpoint_table(cat),
        "rate_tier_table": lambda: rate_tier_table(cat),
        "env_var_table": lambda: env_var_table(cat),
        "env_example": lambda: env_example(cat),
        "platform_table": lambda: platform_table(cat),
        "platform_tabs": lambda show="both": platform_tabs(cat, show),
        "error_lines": lambda slug: error_lines(cat, cat.error(slug)),
        "error_sections": lambda slug: error_sections(cat, cat.error(slug), page()),
        "related_errors": lambda slug: related_list(cat, cat.error(slug), page()),
        "related_line": lambda slug: related_line(cat, cat.error(slug), page()),
        "error_page": lambda slug: error_page(cat, slug, page()),
        "error_index": lambda: error_index(cat, page()),
        "error_link": lambda error, short=False: error_link(cat, error, page(), short),
        "explain_line": lambda line: explain_line(cat, line, page()),
        "errors_json_sample": lambda count=2: errors_json_sample(cat, count),
        "site_address": lambda kind="base": site_address(cat, kind),
        "user_label": lambda index=0: user_label(cat, index),
        "snippet_output": lambda name, args=(), account="trader": captured(
            captures.snippet_capture(name, args, account)
        ),
        "doctor_output": lambda scenario, json=False: captured(
            captures.doctor_capture(scenario, json)
        ),
        "client_error_table": lambda: client_error_table(cat, page()),
        "pinned_version": pinned_version,
        "snippet_tabs": lambda spec, title="the whole script", fold=True: snippet_tabs(
            cat, spec, title, fold
        ),
    }
    for name, fn in plain.items():
        env.macro(fn, name)
