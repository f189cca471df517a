"""Response schemas from Kraken's Spot REST OpenAPI spec, ready for jsonschema.

The spec (OpenAPI 3.0) spreads its schemas over many files joined by relative `$ref`s and
marks optional nulls with `nullable: true`, which JSON Schema does not know. Each file is
loaded on demand into a `referencing` registry (so `$ref`s resolve across files, relative to
the file that holds them) with `nullable` rewritten as JSON Schema's `"null"` type.

Objects are closed: where the spec lists an object's `properties` and says nothing of others,
a field it does not list is an error, so the mock cannot answer a field Kraken does not
document (as its GetApiKeyInfo once answered `name` and `key`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from tools.spec_check import ENTRY, SpecMissing, load_openapi, spec_location


def with_nulls(node: Any) -> Any:
    """A copy of an OpenAPI 3.0 schema tree with `nullable: true` as JSON Schema says it."""
    if isinstance(node, list):
        return [with_nulls(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: with_nulls(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


#: A correction of one spec file: (file relative to the folder, function changing its data).
Patch = tuple[str, Callable[[Any], None]]


def closed(node: Any) -> Any:
    """A copy of a schema tree where objects with listed `properties` allow no others."""
    if isinstance(node, list):
        return [closed(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: closed(v) for k, v in node.items()}
    open_ended = {"additionalProperties", "oneOf", "anyOf", "allOf", "$ref"} & set(out)
    if isinstance(out.get("properties"), dict) and not open_ended:
        out["additionalProperties"] = False
    return out


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class Spec:
    """The pinned (or $KRAKEN_SPEC_DIR) spec folder: entry file, schemas, examples."""

    def __init__(self, folder: Path, patches: tuple[Patch, ...] = ()) -> None:
        self.folder = folder.resolve()
        self.entry_uri = (self.folder / ENTRY).as_uri()
        self._patches = {(self.folder / f).resolve(): fix for f, fix in patches}
        self.registry: Registry[Any] = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        self.openapi = self._load(self.folder / ENTRY)

    def _load(self, path: Path) -> Any:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fix = self._patches.get(path.resolve())
        if fix is not None:
            fix(data)
        return closed(with_nulls(data))

    def _retrieve(self, uri: str) -> Resource[Any]:
        contents = self._load(Path(unquote(urlparse(uri).path)))
        return Resource.from_contents(contents, default_specification=DRAFT4)

    def operation(self, path: str) -> tuple[str, dict[str, Any]]:
        """The HTTP verb and the operation object of `path` (e.g. `/private/Balance`)."""
        ops = self.openapi["paths"][path]
        verb = "get" if "get" in ops else "post"
        return verb, ops[verb]

    def media_types(self, path: str) -> list[str]:
        _verb, op = self.operation(path)
        return list(op["responses"]["200"]["content"])

    def has_schema(self, path: str) -> bool:
        _verb, op = self.operation(path)
        return "schema" in op["responses"]["200"]["content"].get("application/json", {})

    def ref(self, path: str) -> str:
        """A `$ref` to the 200 JSON response schema of `path`, in the entry file."""
        verb, _op = self.operation(path)
        pointer = _pointer(
            "paths", path, verb, "responses", "200", "content", "application/json", "schema"
        )
        return f"{self.entry_uri}#{pointer}"

    def file_ref(self, relative: str, pointer: str = "") -> str:
        return f"{(self.folder / relative).resolve().as_uri()}#{pointer}"

    def example(self, relative: str) -> Any:
        return yaml.safe_load((self.folder / relative).read_text(encoding="utf-8"))

    def validator(self, schema: dict[str, Any]) -> Draft4Validator:
        return Draft4Validator(schema, registry=self.registry)

    def errors(self, schema: dict[str, Any], answer: Any) -> list[str]:
        """Every way `answer` breaks `schema`, as `path.to.field: message` lines."""
        found = sorted(self.validator(schema).iter_errors(answer), key=lambda e: list(e.path))
        return [f"{'.'.join(map(str, e.path)) or '(answer)'}: {e.message[:300]}" for e in found]


def pinned_spec(patches: tuple[Patch, ...] = ()) -> Spec:
    """The spec the one setting names; SpecMissing (with what to fix) when it is absent."""
    load_openapi()  # raises SpecMissing with the setting's name when absent
    where = spec_location()
    if where.startswith(("http://", "https://")):
        raise SpecMissing(f"the contract tests need a local spot-rest folder, not {where}")
    folder = Path(where)
    return Spec(folder.parent if folder.is_file() else folder, patches)


def schema_of_example(value: Any) -> dict[str, Any]:
    """The JSON Schema an example shows: each key present, each value of its JSON type."""
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {k: schema_of_example(v) for k, v in value.items()},
            "required": list(value),
        }
    if isinstance(value, list):
        return {"type": "array", "items": schema_of_example(value[0])} if value else {}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if value is None:
        return {"type": "null"}
    return {"type": "string"}
