"""snippet_runs: the build-time capture of what a snippet prints, and the warm runs of the tests."""

from __future__ import annotations

import re

import pytest
from tests.snippets.support import ENV, SNIPPETS, assert_clean_output, variants

from snippet_runs import SHOWN_URL, SnippetRun, SnippetRunError, execute
from snippet_runs import run_snippet as capture


def run_snippet(*args, **kwargs) -> str:
    """A capture, held to the rules of every snippet run (no secret, no traceback)."""
    out = capture(*args, **kwargs)
    assert_clean_output(SnippetRun(out, 0), {})
    return out


def test_a_capture_is_the_snippets_output_and_reproducible():
    first = run_snippet("connection_test.py")
    assert "✅ KRAKEN PRO CONNECTED (MASTER)" in first
    assert f"at {SHOWN_URL}\n" in first, "the mock's random port is shown as SHOWN_URL"
    assert run_snippet("connection_test") == first


def test_another_account_and_arguments(monkeypatch):
    # Variables of the machine that builds the site never reach the snippet.
    monkeypatch.setenv(ENV.for_user("zed_example")[0], "a-key-of-the-build-machine")
    out = run_snippet("balance_check", account="no-query-funds")
    assert "EGeneral:Permission denied" in out
    assert "ZED" not in out
    out = run_snippet("error_link", ["EAPI:Invalid nonce"])
    assert out.strip().endswith("/errors/eapi-invalid-nonce/")


def test_captures_show_the_mocks_address_as_shown_url():
    out = run_snippet("env_check", account="trader")
    assert set(re.findall(r"http://127\.0\.0\.1:\d+", out)) <= {SHOWN_URL}


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"name": "nope"}, "no snippet 'nope.py'"),
        ({"name": "connection_test", "account": "nobody"}, "no demo account 'nobody'"),
    ],
)
def test_bad_requests_say_what_is_wrong(kwargs, message):
    with pytest.raises(SnippetRunError, match=message):
        capture(**kwargs)


#: Arguments for a short but real run of each snippet (the nonce demos with fewer calls).
SHORT_RUN = dict.fromkeys(variants("nonce_safe_client"), ["--threads", "1", "--calls", "1"])


@pytest.mark.parametrize("path", sorted(SNIPPETS.glob("*.py")), ids=lambda p: p.stem)
def test_a_warm_run_prints_what_a_new_interpreter_prints(path, warm, kraken_mock, as_master):
    """The tests run snippets in forks of a warm Python (prefork.py); the build runs them
    in new interpreters. Both must print the same, byte for byte, and end the same."""
    args = SHORT_RUN.get(path.stem, [])
    env = as_master("trader")
    new = execute(path.stem, args, env)
    forked = execute(path.stem, args, env, python=warm)
    assert (forked.output, forked.returncode) == (new.output, new.returncode)
    assert_clean_output(forked, env)
