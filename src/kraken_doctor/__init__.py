"""Kraken Doctor: find out why a Kraken API key fails, and link every error to its fix."""

from kraken_doctor.links import docs_url

__all__ = ["docs_url"]
__version__ = "0.1.0"
