"""Load and validate catalog.yml, the single source of truth for Kraken facts.

Every other part (site macros, mock server, doctor, links) asks this module, never the YAML.
A bad catalog stops loading with a message that names the file, the entry and the field,
so a typo fails the site build instead of rendering a wrong table.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

CATALOG_FILE = "catalog.yml"

#: `E<Category>:<message>[:<detail>]`; spaces after the colon appear in Kraken's own docs.
ERROR_STRING = re.compile(r"^[EW][A-Za-z]+:\s?\S.*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERMISSION_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*$")

Slug = Annotated[str, StringConstraints(pattern=SLUG.pattern)]
PermissionId = Annotated[str, StringConstraints(pattern=PERMISSION_ID.pattern)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class CatalogError(ValueError):
    """The catalog file is not valid; the message says where and what to fix."""


class NotInCatalog(KeyError, CatalogError):
    """Code asked for an entry the catalog does not have.

    A KeyError for callers that look an id up and handle its absence; a CatalogError, with a
    message naming the section and the id, for everyone else (the CLI prints it as such).
    """

    def __init__(self, section: str, key: str) -> None:
        super().__init__(key)
        self.message = (
            f"{CATALOG_FILE}: '{section}' has no entry {key!r}, which the code "
            "asks for; add it back, or fix the name"
        )

    def __str__(self) -> str:
        return self.message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Site(_Strict):
    name: Text
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+/$")]
    errors_path: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/$")]
    short_path: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/$")]


class KrakenPages(_Strict):
    """Kraken's own pages that fixes point people to."""

    status_page: Annotated[str, StringConstraints(pattern=r"^https://\S+[^/]$")]


class PermissionGroup(_Strict):
    id: Slug
    label: Text
    note: Text | None = None


class Permission(_Strict):
    id: PermissionId
    group: Slug
    label: Text
    old_labels: list[Text]
    bot_needs: bool
    why: Text
    forbidden: bool

    @property
    def all_labels(self) -> list[str]:
        """The current label first, then every older label users may remember."""
        return [self.label, *self.old_labels]


class Needs(_Strict):
    """A permission rule: one of `any_of` is enough, or every one of `all_of` is required."""

    any_of: list[PermissionId] | None = None
    all_of: list[PermissionId] | None = None

    def model_post_init(self, _context: Any) -> None:
        if (self.any_of is None) == (self.all_of is None):
            raise ValueError("give exactly one of 'any_of' or 'all_of'")
        if self.any_of is not None and len(self.any_of) < 2:
            raise ValueError("'any_of' needs two or more permissions; use 'all_of' for one")

    @property
    def ids(self) -> list[str]:
        return list(self.any_of if self.any_of is not None else self.all_of or [])

    def satisfied_by(self, granted: set[str] | frozenset[str]) -> bool:
        """Whether a key holding `granted` passes this rule, as Kraken decides it."""
        if self.any_of is not None:
            return any(p in granted for p in self.any_of)
        return all(p in granted for p in self.all_of or [])


class Disputed(_Strict):
    source: Text
    needs: Needs


class Endpoint(_Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z]+)?$")]
    needs: Needs
    cost: Literal[0, 1, 2]
    cost_uncertain: bool = False
    changes_state: bool
    note: Text | None = None
    disputed: list[Disputed] = Field(default_factory=list)


class Probe(_Strict):
    endpoint: Text
    params: dict[str, str]


class RateTier(_Strict):
    id: Slug
    label: Text
    max_counter: int = Field(gt=0)
    decay_per_second: float = Field(gt=0)


class EnvPair(_Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_{}]*$")]
    secret: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_{}]*$")]
    note: Text | None = None


class EnvVars(_Strict):
    master: EnvPair
    user: EnvPair
    legacy: EnvPair
    example_users: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]]
    api_url: Text
    default_api_url: Annotated[str, StringConstraints(pattern=r"^https://\S+[^/]$")]

    @staticmethod
    def first_name(user_id: str) -> str:
        """The bot's rule: the id up to its first underscore, upper-cased (john_smith -> JOHN)."""
        return user_id.split("_", 1)[0].upper()

    def for_user(self, user_id: str) -> tuple[str, str]:
        """The (key, secret) variable names the bot reads for `user_id`."""
        first = self.first_name(user_id)
        return self.user.key.format(FIRST=first), self.user.secret.format(FIRST=first)


class Platform(_Strict):
    id: Slug
    name: Text
    set_variable: Text
    restart: Text
    restart_command: Text | None = None
    redeploys_on_change: bool


Category = Literal["auth", "general", "rate-limit", "service", "order", "query", "funding"]


class KrakenErrorEntry(_Strict):
    string: Text
    slug: Slug
    title: Text
    category: Category
    meaning: Text
    causes: list[Text] = Field(min_length=1)
    fix: list[Text] = Field(min_length=1)
    verify: Text
    related: list[Text] = Field(default_factory=list)
    aliases: list[Text] = Field(default_factory=list)
    uncertain: Text | None = None
    retry: Literal["never", "after-fix", "backoff", "after-wait"]

    @property
    def retry_risks_lockout(self) -> bool:
        """Whether retrying without a fix adds to the failures that lock a key out.

        Kraken locks a key after repeated authentication failures (invalid key, signature,
        nonce); an order or argument error repeated does not lead there.
        """
        return self.category == "auth" and self.retry in ("never", "after-fix")

    @field_validator("string")
    @classmethod
    def _kraken_shape(cls, value: str) -> str:
        # A field validator (not model_post_init) so the message names the field 'string'.
        if not ERROR_STRING.match(value):
            raise ValueError(
                f"{value!r} is not a Kraken error string like 'EGeneral:Permission denied'"
            )
        return value


ClassName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]*$")]


class Client(_Strict):
    """A Kraken client library bots use, and how it shows Kraken's errors (from its source)."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]  # as pip knows it
    import_name: Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]
    snippet_suffix: Annotated[str, StringConstraints(pattern=r"^(_[a-z0-9_]+)?$")]
    exception_module: Annotated[str, StringConstraints(pattern=r"^[a-z_.]+$")] | None
    otherwise: ClassName | None
    raises: dict[str, ClassName]
    # Classes it also raises for an HTTP status alone: their name says nothing about Kraken.
    http_status_classes: list[ClassName] = Field(default_factory=list)

    def raised_for(self, error: str) -> str | None:
        """The class this client raises for `error` (a catalog spelling), or None."""
        return self.raises.get(error, self.otherwise)


class Catalog(_Strict):
    site: Site
    kraken: KrakenPages
    permission_groups: list[PermissionGroup]
    permissions: list[Permission]
    endpoints: list[Endpoint]
    probes: list[Probe]
    rate_tiers: list[RateTier]
    env_vars: EnvVars
    platforms: list[Platform]
    errors: list[KrakenErrorEntry]
    clients: list[Client] = Field(default_factory=list)

    # -- look-ups -------------------------------------------------------------------------
    def permission(self, permission_id: str) -> Permission:
        for p in self.permissions:
            if p.id == permission_id:
                return p
        raise NotInCatalog("permissions", permission_id)

    def endpoint(self, name: str) -> Endpoint:
        for e in self.endpoints:
            if e.name == name:
                return e
        raise NotInCatalog("endpoints", name)

    def error(self, string_or_slug: str) -> KrakenErrorEntry:
        """The entry whose exact string or slug this is (use `links.find_error` for log lines)."""
        for e in self.errors:
            if string_or_slug in (e.string, e.slug):
                return e
        raise NotInCatalog("errors", string_or_slug)

    def group(self, group_id: str) -> PermissionGroup:
        for g in self.permission_groups:
            if g.id == group_id:
                return g
        raise NotInCatalog("permission_groups", group_id)

    def client(self, name: str) -> Client:
        for c in self.clients:
            if c.name == name:
                return c
        raise NotInCatalog("clients", name)

    def tier(self, tier_id: str) -> RateTier:
        for t in self.rate_tiers:
            if t.id == tier_id:
                return t
        raise NotInCatalog("rate_tiers", tier_id)

    @property
    def required_permissions(self) -> list[Permission]:
        return [p for p in self.permissions if p.bot_needs]

    @property
    def forbidden_permissions(self) -> list[Permission]:
        return [p for p in self.permissions if p.forbidden]


# -- loading and validation -------------------------------------------------------------------


def _entry_name(data: Any, loc: tuple[Any, ...]) -> str:
    """Render a pydantic location as `permissions[3] (id 'query-funds')`."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict):
                    for key in ("id", "name", "slug", "string", "endpoint"):
                        if isinstance(node.get(key), str):
                            parts[-1] += f" ({key} {node[key]!r})"
                            break
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _format_validation(source: str, data: Any, exc: ValidationError) -> str:
    lines = [f"{source}: the catalog is not valid:"]
    for err in exc.errors():
        loc = tuple(err["loc"])
        # pydantic puts the failing field last; name the entry and the field separately.
        field = loc[-1] if loc and isinstance(loc[-1], str) else None
        entry = _entry_name(data, loc[:-1] if field else loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (remove it, or check its spelling)"
        where = f"{entry}, field {field!r}" if field else entry
        lines.append(f"  - {where}: {msg}")
    return "\n".join(lines)


def _check_references(cat: Catalog, source: str) -> None:
    """Cross-references pydantic cannot see: ids that must exist and must be unique."""
    problems: list[str] = []

    def unique(kind: str, values: list[str]) -> None:
        seen: set[str] = set()
        for v in values:
            if v in seen:
                problems.append(f"{kind}: duplicate {v!r}")
            seen.add(v)

    unique("permission_groups id", [g.id for g in cat.permission_groups])
    unique("permissions id", [p.id for p in cat.permissions])
    unique("endpoints name", [e.name for e in cat.endpoints])
    unique("errors string", [e.string for e in cat.errors])
    unique("errors slug", [e.slug for e in cat.errors])
    unique("errors alias", [a for e in cat.errors for a in e.aliases])
    unique("rate_tiers id", [t.id for t in cat.rate_tiers])
    unique("platforms id", [p.id for p in cat.platforms])

    groups = {g.id for g in cat.permission_groups}
    perms = {p.id for p in cat.permissions}
    for i, p in enumerate(cat.permissions):
        if p.group not in groups:
            problems.append(
                f"permissions[{i}] (id {p.id!r}), field 'group': unknown group {p.group!r}"
            )
        if p.forbidden and p.bot_needs:
            problems.append(
                f"permissions[{i}] (id {p.id!r}): 'bot_needs' and 'forbidden' cannot both be true"
            )
    for i, e in enumerate(cat.endpoints):
        rules = [("needs", e.needs)] + [
            (f"disputed[{j}].needs", d.needs) for j, d in enumerate(e.disputed)
        ]
        for field, rule in rules:
            for pid in rule.ids:
                if pid not in perms:
                    problems.append(
                        f"endpoints[{i}] (name {e.name!r}), field {field!r}: "
                        f"unknown permission {pid!r}"
                    )
    names = {e.name for e in cat.endpoints}
    for i, pr in enumerate(cat.probes):
        if pr.endpoint not in names:
            problems.append(f"probes[{i}], field 'endpoint': unknown endpoint {pr.endpoint!r}")
        elif cat.endpoint(pr.endpoint).changes_state and pr.params.get("validate") != "true":
            if pr.endpoint != "CancelOrder":
                problems.append(
                    f"probes[{i}] (endpoint {pr.endpoint!r}): a probe must not change state; "
                    "add validate: 'true'"
                )
    known = {e.string for e in cat.errors} | {e.slug for e in cat.errors}
    for i, e in enumerate(cat.errors):
        for r in e.related:
            if r not in known:
                problems.append(
                    f"errors[{i}] (slug {e.slug!r}), field 'related': unknown error {r!r}"
                )
        for a in e.aliases:
            if not a.strip():
                problems.append(f"errors[{i}] (slug {e.slug!r}), field 'aliases': empty alias")
    unique("clients name", [c.name for c in cat.clients])
    spellings = {s for e in cat.errors for s in (e.string, *e.aliases)}
    for i, c in enumerate(cat.clients):
        for error in c.raises:
            if error not in spellings:
                problems.append(
                    f"clients[{i}] (name {c.name!r}), field 'raises': unknown error {error!r}"
                )
    if not any(p.forbidden for p in cat.permissions):
        problems.append("permissions: no permission is marked 'forbidden' (Withdraw must be)")
    if problems:
        raise CatalogError(f"{source}: the catalog is not valid:\n  - " + "\n  - ".join(problems))


def parse_catalog(text: str, source: str = CATALOG_FILE) -> Catalog:
    """Validate catalog YAML text; `source` names the file in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: expected a mapping of sections at the top level")
    try:
        cat = Catalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(_format_validation(source, data, exc)) from None
    _check_references(cat, source)
    return cat


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the packaged catalog, or the file at `path` (tests use this for bad input)."""
    if path is None:
        return _packaged_catalog()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the catalog: {exc.strerror}") from None
    return parse_catalog(text, str(p))


@cache
def _packaged_catalog() -> Catalog:
    text = resources.files("kraken_doctor").joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    return parse_catalog(text, f"kraken_doctor/{CATALOG_FILE}")
