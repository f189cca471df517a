"""Endpoint handlers, registered by name in `PUBLIC` and `PRIVATE` when imported."""

from kraken_doctor.mock.endpoints import account, data, earn, funding, public, trading
from kraken_doctor.mock.endpoints.base import PRIVATE, PUBLIC, Call, KrakenError

__all__ = ["PRIVATE", "PUBLIC", "Call", "KrakenError"]
_MODULES = (account, data, earn, funding, public, trading)
