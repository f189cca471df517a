"""MkDocs hooks: settings the site takes from the catalog, so each is typed once."""

from __future__ import annotations

from typing import Any

from kraken_doctor.catalog import load_catalog


def on_config(config: Any, **_: Any) -> Any:
    """The site's public URL is the catalog's `site.base_url`, the base every link uses."""
    config["site_url"] = load_catalog().site.base_url
    return config
