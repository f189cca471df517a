"""mkdocs-macros entry point: tables on the site, rendered from the catalog."""

from __future__ import annotations

from typing import Any

from kraken_doctor.catalog import load_catalog


def define_env(env: Any) -> None:
    """Register the macros pages may call (pages opt in with `render_macros: true`)."""
    env.variables["catalog"] = load_catalog()
