"""Hold the catalog's endpoint table against Kraken's Spot REST OpenAPI spec.

Kraken's spec is the judge of which permissions an endpoint needs: each endpoint's
description carries the line "**API Key Permissions Required:** ..." (the Earn endpoints say
"Requires the `Earn Funds` API key permission."). This module reads those lines, turns the
permission labels into the catalog's ids, and reports every difference in the catalog's own
terms (endpoint names, `any_of` / `all_of`, permission ids):

- an endpoint whose `needs` differs from the spec's line;
- a spec endpoint that is neither in the catalog nor in its `spec.out_of_scope` list;
- a catalog endpoint the spec does not have, unless `spec.not_in_spec` names the Kraken
  document its rule comes from (GetApiKeyInfo, newer than the spec);
- a `disputed` entry that does not name its own source, or that repeats the spec's rule.

Maintainers run it against Kraken's latest spec with `make spec-check SPEC=<folder or URL>`;
the test suite runs it on the pinned copy, and a weekly workflow on Kraken's live folder.
Maintainers' tooling: it is not part of the shipped package.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from kraken_doctor.catalog import Catalog, Needs, load_catalog

#: The one setting that says where Kraken's spec is (a spot-rest folder or its URL).
ENV_VAR = "KRAKEN_SPEC_DIR"
ROOT = Path(__file__).resolve().parents[1]
#: The pinned copy beside the repository (CI clones the repo with shared/ next to it).
DEFAULT_SPEC = ROOT.parent / "shared" / "kraken-spec" / "spot-rest"
ENTRY = "openapi_v3.yaml"
#: Kraken's public folder (branch feature/openapi-spec of krakenfx/api-specs).
LIVE_SPEC = "https://github.com/krakenfx/api-specs/tree/feature/openapi-spec/spot-rest"

_RULE_LINE = re.compile(r"\*\*API Key Permissions Required:\*\*\s*(?P<rule>[^\n]+)")
_EARN_LINE = re.compile(r"Requires (?:either )?(?P<rule>.+?) API key permission\.")
_NO_PERMISSION = re.compile(r"^(None\.?|a valid API key but not specific permission.*)$")
_LABEL = re.compile(r"`([^`]+)`")


class SpecMissing(Exception):
    """Kraken's spec is not where the setting says; the message says how to fix it."""


@dataclass(frozen=True)
class SpecRule:
    """One endpoint's permission line, parsed: the rule and any qualifier after it."""

    path: str
    line: str
    needs: Needs | None  # None: a label the catalog does not know
    unknown_labels: tuple[str, ...] = ()
    qualifier: str = ""


def spec_location(value: str | None = None) -> str:
    """Where to read the spec: `value`, else $KRAKEN_SPEC_DIR, else the pinned copy."""
    return value or os.environ.get(ENV_VAR) or str(DEFAULT_SPEC)


def _raw_url(url: str) -> str:
    """The URL of openapi_v3.yaml itself, for a folder URL on github.com or raw."""
    if url.endswith((".yaml", ".yml")):
        return url
    m = re.match(r"^https://github\.com/([^/]+)/([^/]+)/tree/(.+)$", url.rstrip("/"))
    if m:
        owner, repo, rest = m.groups()
        # The branch may hold a slash (feature/openapi-spec): the folder is the last part.
        branch, _, folder = rest.rpartition("/")
        url = f"https://raw.githubusercontent.com/{owner}/{repo}/refs/heads/{branch}/{folder}"
    return f"{url.rstrip('/')}/{ENTRY}"


def _missing(where: str, why: str) -> SpecMissing:
    return SpecMissing(
        f"Kraken's spec not found at {where} ({why}). Set {ENV_VAR} (or SPEC= for "
        f"make spec-check) to a copy of the spot-rest folder of krakenfx/api-specs, "
        f"or to its URL, e.g. {LIVE_SPEC}"
    )


def load_openapi(location: str | None = None) -> tuple[dict[str, Any], str]:
    """The spec's entry file, parsed, and where it was read (a path or a URL)."""
    where = spec_location(location)
    if where.startswith(("http://", "https://")):
        url = _raw_url(where)
        try:
            resp = requests.get(url, timeout=30, allow_redirects=False)
        except requests.RequestException as exc:
            raise _missing(url, type(exc).__name__) from None
        if resp.status_code != 200:
            raise _missing(url, f"HTTP {resp.status_code}")
        text, source = resp.text, url
    else:
        path = Path(where)
        entry = path if path.is_file() else path / ENTRY
        try:
            text = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _missing(str(entry), getattr(exc, "strerror", None) or "unreadable") from None
        source = str(entry)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise _missing(source, "not valid YAML") from None
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise _missing(source, "no 'paths' section: not Kraken's OpenAPI file")
    return data, source


def label_index(cat: Catalog) -> dict[str, str]:
    """Every way Kraken's documents write a permission -> the catalog's permission id.

    The spec writes "Group - Label" (`Funds permissions - Query`); the Earn section uses the
    older single labels (`Earn Funds`, `Query Funds`), which the catalog keeps as old_labels.
    """
    out: dict[str, str] = {}
    for p in cat.permissions:
        out[f"{cat.group(p.group).label} - {p.label}"] = p.id
        for old in p.old_labels:
            out.setdefault(old, p.id)
    return out


def parse_rule(path: str, description: str, labels: dict[str, str]) -> SpecRule | None:
    """The permission rule in one endpoint's description (None when it states none)."""
    m = _RULE_LINE.search(description) or _EARN_LINE.search(description)
    if m is None:
        if "not specific permission is required" in description:
            return SpecRule(path, "no specific permission", Needs(all_of=[]))
        return None
    line = m.group("rule").strip()
    if _NO_PERMISSION.match(line):
        return SpecRule(path, line, Needs(all_of=[]))
    # What follows the labels qualifies the rule: "depending on status of order",
    # "unless withdrawal is a `WalletTransfer`, ...". Only the part before it is the rule.
    parts = re.split(r",\s*(?=depending|unless)", line, maxsplit=1)
    rule, qualifier = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    names = _LABEL.findall(rule)
    unknown = tuple(n for n in names if n not in labels)
    if not names or unknown:
        return SpecRule(path, line, None, unknown or (rule,), qualifier)
    ids = [labels[n] for n in names]
    between = _LABEL.sub("", rule)
    if len(ids) == 1:
        needs = Needs(all_of=ids)
    elif re.search(r"\bor\b", between) and not re.search(r"\band\b", between):
        needs = Needs(any_of=ids)
    elif re.search(r"\band\b", between) and not re.search(r"\bor\b", between):
        needs = Needs(all_of=ids)
    else:
        return SpecRule(path, line, None, (rule,), qualifier)
    return SpecRule(path, line, needs, (), qualifier)


def spec_rules(spec: dict[str, Any], cat: Catalog) -> dict[str, SpecRule | None]:
    """Every path of the spec -> its parsed permission rule (None when it states none)."""
    labels = label_index(cat)
    out: dict[str, SpecRule | None] = {}
    for path, ops in spec["paths"].items():
        text = " ".join(
            str(op.get("description", "")) for op in (ops or {}).values() if isinstance(op, dict)
        )
        out[path] = parse_rule(path, text, labels)
    return out


def rule_text(needs: Needs) -> str:
    """A rule in the catalog's terms: `all_of [query-funds]`, `any_of [a, b]`, `none`."""
    if needs.any_of is not None:
        return f"any_of [{', '.join(needs.any_of)}]"
    return f"all_of [{', '.join(needs.all_of or [])}]" if needs.all_of else "none (all_of [])"


def same_rule(a: Needs, b: Needs) -> bool:
    """Whether two rules grant the same keys (order of ids does not matter)."""
    if a.any_of is not None and b.any_of is not None:
        return set(a.any_of) == set(b.any_of)
    if a.all_of is not None and b.all_of is not None:
        return set(a.all_of) == set(b.all_of)
    return False


def endpoint_name(path: str) -> str | None:
    """`/private/Earn/Allocate` -> `Earn/Allocate`; None for a public path."""
    kind, _, name = path.strip("/").partition("/")
    return name if kind == "private" else None


def check(cat: Catalog, spec: dict[str, Any]) -> list[str]:
    """Every difference between the catalog and the spec, one sentence each."""
    problems: list[str] = []
    rules = spec_rules(spec, cat)
    spec_names: set[str] = set()
    for path, rule in rules.items():
        scoped = any(fnmatch.fnmatchcase(path, o.path) for o in cat.spec.out_of_scope)
        name = endpoint_name(path)
        if name is None:
            if not scoped:
                problems.append(
                    f"{path} is in the spec but neither in the catalog nor in spec.out_of_scope"
                )
            continue
        spec_names.add(name)
        try:
            ep = cat.endpoint(name)
        except KeyError:
            if not scoped:
                problems.append(
                    f"{name} is new in the spec: add it to endpoints (the spec says "
                    f"{rule.line if rule else 'no permission line'!r}) or to spec.out_of_scope"
                )
            continue
        if rule is None:
            problems.append(f"{name}: the spec no longer states its permissions")
            continue
        if rule.needs is None:
            problems.append(
                f"{name}: the spec's permission line {rule.line!r} names "
                f"{', '.join(repr(u) for u in rule.unknown_labels)}, which no permission's "
                "label or old_labels in the catalog matches"
            )
            continue
        if not same_rule(ep.needs, rule.needs):
            problems.append(
                f"{name} needs {rule_text(ep.needs)} in the catalog, the spec says "
                f"{rule_text(rule.needs)} ({rule.line!r})"
            )
        if rule.qualifier and not ep.note:
            problems.append(
                f"{name}: the spec qualifies its rule ({rule.qualifier!r}); the catalog entry "
                "needs a note saying so"
            )
        for j, d in enumerate(ep.disputed):
            if d.source.strip().lower() == cat.spec.source.strip().lower():
                problems.append(
                    f"{name}.disputed[{j}]: its source must be the other document, not the spec"
                )
            if same_rule(d.needs, ep.needs):
                problems.append(
                    f"{name}.disputed[{j}] ({d.source}) says the same as the spec "
                    f"({rule_text(d.needs)}): no dispute, remove it"
                )
    elsewhere = {n.endpoint for n in cat.spec.not_in_spec}
    for ep in cat.endpoints:
        if ep.name not in spec_names and ep.name not in elsewhere:
            problems.append(
                f"{ep.name} is in the catalog but not in the spec: removed by Kraken? (or list "
                "it in spec.not_in_spec with the Kraken document its rule comes from)"
            )
    for name in sorted(elsewhere & spec_names):
        problems.append(f"{name} is now in the spec: remove it from spec.not_in_spec")
    for name in sorted(elsewhere - {e.name for e in cat.endpoints}):
        problems.append(f"spec.not_in_spec names {name}, which is not in endpoints")
    return problems


def summary(problems: list[str], cat: Catalog, spec: dict[str, Any]) -> str:
    """The first line of the output: what changed, in the catalog's terms, or that none did."""
    if problems:
        more = f" (and {len(problems) - 1} more below)" if len(problems) > 1 else ""
        return f"spec-check: DRIFT: {problems[0]}{more}"
    private = sum(1 for p in spec["paths"] if endpoint_name(p) is not None)
    public = len(spec["paths"]) - private
    others = ", ".join(n.endpoint for n in cat.spec.not_in_spec) or "none"
    return (
        f"spec-check: no drift: the permissions of all {private} private endpoints of Kraken's "
        f"spec match the catalog; {public} public endpoints are out of scope; from other "
        f"Kraken documents: {others}"
    )


def main(argv: list[str] | None = None) -> int:
    """`python tools/spec_check.py [folder or URL]`: exit 0 when the catalog matches."""
    args = sys.argv[1:] if argv is None else argv
    try:
        spec, source = load_openapi(args[0] if args else None)
    except SpecMissing as exc:
        print(f"spec-check: {exc}", file=sys.stderr)
        return 2
    cat = load_catalog()
    problems = check(cat, spec)
    print(summary(problems, cat, spec))
    print(f"  spec: {source}")
    for p in problems:
        print(f"  - {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
