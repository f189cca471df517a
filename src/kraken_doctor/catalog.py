"""Load and validate catalog.yml, the single source of truth for Kraken facts.

Every other part (site macros, mock server, doctor, links) asks this module, never the YAML.
A bad catalog stops loading with a message that names the file, the entry and the field,
so a typo fails the site build instead of rendering a wrong table.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
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
#: libyaml's loader when PyYAML was built with it (about 6x faster on the catalog), else
#: the pure-Python one; both are the safe loader.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: `E<Category>:<message>[:<detail>]`; spaces after the colon appear in Kraken's own docs.
ERROR_STRING = re.compile(r"^[EW][A-Za-z]+:\s?\S.*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERMISSION_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*$")

#: the only state-changing endpoints anything we ship may call, and what makes the call
#: harmless: an order Kraken only checks (validate=true), a cancel of a made-up order id
SAFE_STATE_CHANGING: dict[str, tuple[str, str | None]] = {
    "AddOrder": ("validate", "true"),
    "AddOrderBatch": ("validate", "true"),
    "CancelOrder": ("txid", None),
}
#: parameters only a call that places orders takes; on an endpoint marked `changes_state:
#: false` they show the mark is wrong (a second, independent reading of the same fact)
ORDER_PARAMS = frozenset({"ordertype", "volume", "orders", "validate"})
#: Kraken's slug for the Withdraw box: the catalog must mark it forbidden
WITHDRAW_PERMISSION = "withdraw-funds"

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
    """Kraken's own pages that fixes point people to, and the shape of its keys.

    Each size is typed once, as Kraken's own examples show it; what a person sees of a
    private key (its characters, the `=` it ends in) is computed from its bytes, so the
    doctor's checks, its messages and the mock's generated keys cannot disagree.
    """

    status_page: Annotated[str, StringConstraints(pattern=r"^https://\S+[^/]$")]
    #: characters of an API key; base64 with no `=`, so a multiple of 4 (the mock makes such)
    api_key_length: Annotated[int, Field(gt=0, le=1000, multiple_of=4)]
    #: bytes a private key decodes to; Kraken hands it out as their base64
    secret_bytes: Annotated[int, Field(gt=0, le=1000)]

    @property
    def api_key_bytes(self) -> int:
        """The bytes whose base64 is an API key of `api_key_length` characters (the mock's)."""
        return self.api_key_length // 4 * 3

    @property
    def secret_length(self) -> int:
        """Characters of a private key as Kraken shows it: base64 of `secret_bytes`, padded."""
        return -(-self.secret_bytes // 3) * 4

    @property
    def secret_padding(self) -> str:
        """The `=` a private key ends in; a double-click selection often leaves them out."""
        return "=" * (-self.secret_bytes % 3)


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
    #: where Kraken's sources conflict or say nothing: both readings (the mock picks one)
    uncertain: Text | None = None
    disputed: list[Disputed] = Field(default_factory=list)


class OutOfScope(_Strict):
    """Endpoints of Kraken's spec the catalog deliberately leaves out, and why.

    `path` is the spec's path, or a pattern such as `/public/*` for a whole family.
    """

    path: Annotated[str, StringConstraints(pattern=r"^/(public|private)/\S+$")]
    reason: Text


class NotInSpec(_Strict):
    """A catalog endpoint Kraken's spec lacks, and the Kraken document its rule comes from."""

    endpoint: Text
    source: Text


class SpecSection(_Strict):
    """Kraken's Spot REST OpenAPI spec: the source of every endpoint's `needs` it describes.

    tools/spec_check.py holds the endpoint table against it; `out_of_scope` lists the spec's
    endpoints the table leaves out, each with its reason, so none is dropped silently;
    `not_in_spec` the table's endpoints the spec lacks, each with its own source.
    """

    source: Text
    out_of_scope: list[OutOfScope]
    not_in_spec: list[NotInSpec] = Field(default_factory=list)


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
    guide: Annotated[str, StringConstraints(pattern=r"^[a-z0-9/_-]+\.md$")]

    @staticmethod
    def first_name(user_id: str) -> str:
        """The bot's rule: the id up to its first underscore, upper-cased (john_smith -> JOHN)."""
        return user_id.split("_", 1)[0].upper()

    def for_user(self, user_id: str) -> tuple[str, str]:
        """The (key, secret) variable names the bot reads for `user_id`."""
        first = self.first_name(user_id)
        return self.user.key.format(FIRST=first), self.user.secret.format(FIRST=first)


class PlatformStep(_Strict):
    """One thing to do on a platform, and the platform's own page it was checked against."""

    text: Text
    command: Text | None = None
    source: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]


class Platform(_Strict):
    """Where a bot runs: how to update a variable, restart, and read the log there.

    `checked` is the day each step was last compared with the platform's own documents;
    readers see the steps, the reference page lists the sources.
    """

    id: Slug
    name: Text
    update: list[PlatformStep] = Field(min_length=1)
    restart: list[PlatformStep] = Field(min_length=1)
    logs: list[PlatformStep] = Field(min_length=1)
    redeploys_on_change: bool
    checked: date


Retry = Literal["never", "after-fix", "backoff", "after-wait"]
#: retry values that mean the error passes on its own: wait, then try again
TEMPORARY_RETRIES: frozenset[Retry] = frozenset({"backoff", "after-wait"})


class Guide(_Strict):
    """A page worth reading next: link text and a docs-relative target."""

    text: Text
    page: Annotated[str, StringConstraints(pattern=r"^[a-z0-9/_-]+\.md(?:#[a-z0-9-]+)?$")]


class ErrorCategory(_Strict):
    """A group of errors: its heading on the error index and in the nav, and its guides."""

    id: Slug
    title: Text
    guides: list[Guide]


class RetryAdvice(_Strict):
    """What the bot should do after an error, per `retry` value: one wording, site and CLI."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    never: Text
    after_fix: Text = Field(alias="after-fix")
    backoff: Text
    after_wait: Text = Field(alias="after-wait")
    #: added on authentication errors that must not be retried blind
    lockout: Text


class KrakenErrorEntry(_Strict):
    string: Text
    slug: Slug
    title: Text
    category: Slug
    meaning: Text
    causes: list[Text] = Field(min_length=1)
    fix: list[Text] = Field(min_length=1)
    verify: Text
    related: list[Text] = Field(default_factory=list)
    aliases: list[Text] = Field(default_factory=list)
    uncertain: Text | None = None
    retry: Retry

    @property
    def temporary(self) -> bool:
        """Whether the error passes on its own (retry after a pause): nothing to fix.

        Derived from `retry`, so the doctor's "could not check" and the site's retry advice
        can never disagree.
        """
        return self.retry in TEMPORARY_RETRIES

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
    spec: SpecSection
    probes: list[Probe]
    rate_tiers: list[RateTier]
    env_vars: EnvVars
    platforms: list[Platform]
    categories: list[ErrorCategory]
    retry_advice: RetryAdvice
    errors: list[KrakenErrorEntry]
    clients: list[Client] = Field(default_factory=list)

    # -- look-ups -------------------------------------------------------------------------
    def _find(self, section: str, key: str, *fields: str) -> Any:
        """The entry of `section` one of whose `fields` is `key`, else NotInCatalog."""
        for entry in getattr(self, section):
            if any(getattr(entry, f) == key for f in fields):
                return entry
        raise NotInCatalog(section, key)

    def permission(self, permission_id: str) -> Permission:
        return self._find("permissions", permission_id, "id")

    def endpoint(self, name: str) -> Endpoint:
        return self._find("endpoints", name, "name")

    def error(self, string_or_slug: str) -> KrakenErrorEntry:
        """The entry whose exact string or slug this is (use `links.find_error` for log lines)."""
        return self._find("errors", string_or_slug, "string", "slug")

    def group(self, group_id: str) -> PermissionGroup:
        return self._find("permission_groups", group_id, "id")

    def client(self, name: str) -> Client:
        for c in self.clients:
            if c.name == name:
                return c
        raise NotInCatalog("clients", name)

    def tier(self, tier_id: str) -> RateTier:
        return self._find("rate_tiers", tier_id, "id")

    def category(self, category_id: str) -> ErrorCategory:
        return self._find("categories", category_id, "id")

    def retry_text(self, entry: KrakenErrorEntry) -> str:
        """What the bot should do after `entry`, with the lockout warning where it applies."""
        advice = getattr(self.retry_advice, entry.retry.replace("-", "_"))
        if entry.retry_risks_lockout:
            advice += " " + self.retry_advice.lockout
        return str(advice)

    def unsafe_call(self, endpoint: str, params: dict[str, str]) -> str | None:
        """Why a private call could change the account, or None when it cannot.

        The one rule for both guards: the loader applies it to every probe, and the doctor's
        client to every private call it is about to send. A call is harmless when its
        endpoint is marked `changes_state: false` and takes no order parameters, or when it
        is one of SAFE_STATE_CHANGING with the parameter that makes it harmless.
        """
        try:
            ep = self.endpoint(endpoint)
        except NotInCatalog:
            return f"{endpoint} is not in the catalog, so nothing says it changes nothing"
        if not ep.changes_state:
            found = sorted(ORDER_PARAMS & set(params))
            if found:
                return (
                    f"{endpoint} is marked 'changes_state: false', but its parameters "
                    f"({', '.join(found)}) are those of a call that places orders"
                )
            return None
        rule = SAFE_STATE_CHANGING.get(endpoint)
        if rule is None:
            return f"{endpoint} changes the account, and no parameter makes it harmless"
        name, value = rule
        if name not in params or (value is not None and params[name] != value):
            need = f"{name}: '{value}'" if value is not None else f"a made-up {name}"
            return f"{endpoint} changes the account unless it is sent with {need}"
        return None

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
            if parts:
                parts[-1] = f"{parts[-1]}[{step}]"
            else:
                parts.append(f"[{step}]")
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


def _format_validation(
    source: str, data: Any, exc: ValidationError, what: str = "the catalog"
) -> str:
    """One message for every pydantic error: `source`, then `entry, field 'x': what to fix`.

    The mock's accounts file uses it too (`what`), so both files report errors one way.
    """
    lines = [f"{source}: {what} is not valid:"]
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
    unique("categories id", [c.id for c in cat.categories])

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
            continue
        unsafe = cat.unsafe_call(pr.endpoint, pr.params)
        if unsafe:
            problems.append(
                f"probes[{i}] (endpoint {pr.endpoint!r}): a probe must not change state: {unsafe}"
            )
    known = {e.string for e in cat.errors} | {e.slug for e in cat.errors}
    categories = {c.id for c in cat.categories}
    for i, e in enumerate(cat.errors):
        if e.category not in categories:
            problems.append(
                f"errors[{i}] (slug {e.slug!r}), field 'category': unknown category "
                f"{e.category!r} (add it to 'categories', or fix its spelling)"
            )
        for r in e.related:
            if r not in known:
                problems.append(
                    f"errors[{i}] (slug {e.slug!r}), field 'related': unknown error {r!r}"
                )
        for a in e.aliases:
            if not a.strip():
                problems.append(f"errors[{i}] (slug {e.slug!r}), field 'aliases': empty alias")
    withdraw = [(i, p) for i, p in enumerate(cat.permissions) if p.id == WITHDRAW_PERMISSION]
    if not withdraw:
        problems.append(
            f"permissions: no entry {WITHDRAW_PERMISSION!r}; Withdraw must be listed and forbidden"
        )
    for i, p in withdraw:
        if not p.forbidden:
            problems.append(
                f"permissions[{i}] (id {p.id!r}), field 'forbidden': must be true; no bot may "
                "hold Withdraw, and the doctor warns when a key has it"
            )
    unique("clients name", [c.name for c in cat.clients])
    spellings = {s for e in cat.errors for s in (e.string, *e.aliases)}
    for i, c in enumerate(cat.clients):
        for error in c.raises:
            if error not in spellings:
                problems.append(
                    f"clients[{i}] (name {c.name!r}), field 'raises': unknown error {error!r}"
                )
    if problems:
        raise CatalogError(f"{source}: the catalog is not valid:\n  - " + "\n  - ".join(problems))


class _UniqueKeyLoader(YAML_LOADER):
    """PyYAML's safe loader, refusing a key given twice in one mapping.

    PyYAML keeps the last of two equal keys, so `forbidden: true` followed by `forbidden:
    false` would silently turn a guard off.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base loader says so
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice (the last would silently win)",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


#: Far deeper than any catalog entry; libyaml (the C loader) crashes the process on input
#: nested some ten thousand levels deep, so such text is refused before it is parsed.
MAX_NESTING = 100


def _flow_nesting(text: str) -> int:
    """The deepest run of open `[`/`{` brackets (quotes ignored: an upper bound is enough)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest


def parse_catalog(text: str, source: str = CATALOG_FILE) -> Catalog:
    """Validate catalog YAML text; `source` names the file in error messages."""
    if _flow_nesting(text) > MAX_NESTING:
        raise CatalogError(f"{source}: lists or mappings are nested too deeply")
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}: not valid YAML: {exc}") from None
    except RecursionError:
        raise CatalogError(f"{source}: lists or mappings are nested too deeply") from None
    except ValueError:  # PyYAML turning a number of thousands of digits into an int
        raise CatalogError(f"{source}: a number is too long; no field needs one") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: expected a mapping of sections at the top level")
    try:
        cat = Catalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(_format_validation(source, data, exc)) from None
    except RecursionError:
        raise CatalogError(f"{source}: lists or mappings are nested too deeply") from None
    _check_references(cat, source)
    return cat


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the packaged catalog, or the file at `path` (tests use this for bad input).

    The packaged catalog is parsed once per version of the file: a process that lives on
    while the file is edited (`mkdocs serve` rebuilds the site in one process) reads the
    edit on its next call, and every other call costs one `stat`.
    """
    if path is None:
        packaged = _packaged_file()
        return _packaged_catalog(packaged, _file_version(packaged))
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the catalog: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"{p}: not UTF-8 text (byte {exc.start}): save the file as UTF-8"
        ) from None
    return parse_catalog(text, str(p))


@cache
def _packaged_file() -> Traversable:
    return resources.files("kraken_doctor").joinpath(CATALOG_FILE)


def _file_version(file: Traversable) -> tuple[int, int] | None:
    """The file's modification time and size, which an edit changes; None where the package
    is not plain files (a zip), which nobody edits."""
    if not isinstance(file, os.PathLike):
        return None
    try:
        st = os.stat(file)
    except OSError:
        return None  # reading it will say what is wrong
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=1)
def _packaged_catalog(file: Traversable, version: tuple[int, int] | None) -> Catalog:
    """The packaged catalog as parsed at `version` (the cache key: only the newest is kept)."""
    text = file.read_text(encoding="utf-8")
    return parse_catalog(text, f"kraken_doctor/{CATALOG_FILE}")
