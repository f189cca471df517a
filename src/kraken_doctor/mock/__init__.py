"""A Kraken-compatible REST API on a loopback port, for tests, docs and trying things safely.

    from kraken_doctor.mock import MockKraken
    with MockKraken() as srv:           # the demo accounts
        api = krakenex.API(key, secret); api.uri = srv.url

See docs/mock.md for accounts, faults and what the mock answers.
"""

from kraken_doctor.mock.accounts import (
    Account,
    AccountsFileError,
    bot_permissions,
    demo_accounts,
    load_accounts,
    parse_accounts,
)
from kraken_doctor.mock.audit import AuditRecord
from kraken_doctor.mock.faults import FAULT_KINDS, FaultError
from kraken_doctor.mock.lockout import LockoutPolicy
from kraken_doctor.mock.server import MockKraken
from kraken_doctor.mock.signing import sign, verify

__all__ = [
    "FAULT_KINDS",
    "Account",
    "AccountsFileError",
    "AuditRecord",
    "FaultError",
    "LockoutPolicy",
    "MockKraken",
    "bot_permissions",
    "demo_accounts",
    "load_accounts",
    "parse_accounts",
    "sign",
    "verify",
]
