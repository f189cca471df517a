"""Helpers shared by the snippet tests (fixtures live in conftest.py)."""

from __future__ import annotations

import base64
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import snippet_runs
from doctor_support import assert_no_secrets
from kraken_doctor.catalog import load_catalog
from kraken_doctor.mock import Account, demo_accounts
from snippet_runs import PROJECT_DIR, SnippetRun

SNIPPETS = PROJECT_DIR / "snippets"
KRAKEN = load_catalog().kraken
ENV = load_catalog().env_vars
DEMO_SECRETS = [a.secret for a in demo_accounts()]
DEMO_KEYS = [a.key for a in demo_accounts()]


def assert_clean_output(run: SnippetRun, env: dict[str, str]) -> None:
    """What every snippet run must respect, success or failure: a clear message rather
    than a traceback, no secret (not even a part of one) and a key only by its last 4."""
    out = run.output
    assert "Traceback (most recent call last)" not in out, out
    secrets = DEMO_SECRETS + [v for k, v in env.items() if k.upper().endswith("SECRET")]
    keys = DEMO_KEYS + [v for k, v in env.items() if k.upper().endswith("_KEY")]
    # The doctor's tests use the same check: no 8 characters of a secret, no 5 of a key.
    assert_no_secrets(
        out,
        keys=[k.strip().strip("'\"") for k in keys],
        secrets=[s.strip().strip("'\"") for s in secrets],
    )


def master_env(account: Account, url: str) -> dict[str, str]:
    """The variables of the env var guide for the master account (snippet_runs' own)."""
    return snippet_runs.master_env(account.key, account.secret, url)


#: Credentials for stub servers, which check no signature: shaped like Kraken's (the catalog's
#: key length and secret size), so the leak check in assert_clean_output has something to find.
STUB_KEY = "k" * KRAKEN.api_key_length
STUB_SECRET = base64.b64encode(bytes(range(KRAKEN.secret_bytes))).decode()


def stub_env(url: str) -> dict[str, str]:
    """The master's variables with the stub credentials, pointed at the stub server `url`."""
    return {ENV.master.key: STUB_KEY, ENV.master.secret: STUB_SECRET, ENV.api_url: url}


def user_env(user_id: str, account: Account) -> dict[str, str]:
    key_name, secret_name = ENV.for_user(user_id)
    return {key_name: account.key, secret_name: account.secret}


def load_snippet(name: str) -> ModuleType:
    """Import a snippet as a module (its main() does not run) to compare its facts."""
    path = SNIPPETS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"snippet_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snippet_path(name: str) -> Path:
    return SNIPPETS / f"{name}.py"


#: The clients every snippet that talks to Kraken is written for (the catalog's `clients`),
#: and each version's file name ending: connection_test.py (krakenex), ..._kraken_sdk.py, ...
CLIENT_SUFFIXES = {c.name: c.snippet_suffix for c in load_catalog().clients}


def variants(family: str) -> list[str]:
    """The file names (without .py) of one snippet in every client's version."""
    return [family + suffix for suffix in CLIENT_SUFFIXES.values()]


def versions(family: str) -> Callable[..., str]:
    """`name = versions("balance_check")` in a test file: a `name` fixture giving each client's
    version of that snippet in turn, so every test of the file holds each version to the same
    assertions."""

    @pytest.fixture(params=variants(family))
    def name(request: pytest.FixtureRequest) -> str:
        return request.param

    return name


#: Answers from something that is not Kraken (a proxy, a captive portal's login page, another
#: server) that every snippet must meet with a clear line and exit 1, not a crash. Each test
#: file adds the answers that its own snippet's call could mistake for a result.
NOT_KRAKEN: list[Any] = [
    {},
    [],
    None,
    "<html><body>Please sign in to the Wi-Fi</body></html>",
    {"error": "EGeneral:Permission denied"},
    {"error": [404]},
]


#: What a key or a secret pasted into KRAKEN_API_URL looks like (fuzz-findings F5): alone,
#: as user info (a key with "/" ends the host early), in a query, as a host name.
KEY = "TtJy2AawU4M32ABcR1Zpj3pcNUdd7Zbnrnc4dAgzOZML5Rs/MPVyXmKZ"
SECRET = "GlsDKN4AgodngXpQ/DghMRclGNG52FxDQccK609iRNZ6N6sdPTNv+ckxInJKlQeG5d7dfte1iXA20yvQbKP9WA=="
PASTED = [
    KEY,
    f"http://{KEY}@127.0.0.1:8330",
    f"http://user:{SECRET}@127.0.0.1:8330",
    f"http://127.0.0.1:8330/?secret={SECRET}",
    f"https://{KEY.replace('/', '')}",
    f"https://api.kraken.com/{KEY}",
]


def main_with_short_timeout(name: str, url: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """Snippet `name`'s main() run in this process against `url`, with the snippet's own
    TIMEOUT cut to 1 s (a subprocess would wait the full time): what main returned, or the
    code or message it exited with."""
    module = load_snippet(name)
    monkeypatch.setattr(module, "TIMEOUT", 1)
    for var in [v for v in os.environ if v.upper().startswith("KRAKEN")]:
        monkeypatch.delenv(var)
    for var, value in stub_env(url).items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr("sys.argv", [f"{name}.py"])
    try:
        return module.main()
    except SystemExit as end:
        return end.code
