"""Kraken Doctor: find out why a Kraken API key fails, and link every error to its fix."""

from __future__ import annotations

from typing import Any

__all__ = ["docs_url"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`kraken_doctor.docs_url`, imported on first use: links loads the catalog's models,
    which `kraken-doctor --version` must not wait for."""
    if name == "docs_url":
        from kraken_doctor.links import docs_url

        return docs_url
    raise AttributeError(f"module 'kraken_doctor' has no attribute {name!r}")
