"""Whatever the environment holds and whatever the server answers: a report, never a traceback."""

from __future__ import annotations

import base64
import json
import os
import string
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doctor_support import Reply, assert_no_secrets, env_for, stub_server
from kraken_doctor.catalog import load_catalog
from kraken_doctor.doctor.check import CheckOptions, run_check
from kraken_doctor.doctor.dotenv import parse_dotenv
from kraken_doctor.doctor.report import render

CAT = load_catalog()
B64 = string.ascii_letters + string.digits + "+/"
FUZZ = settings(
    max_examples=int(os.environ.get("KD_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ONLINE = b'{"error": [], "result": {"status": "online", "timestamp": "2026-01-01T00:00:00Z"}}'


def _answers_invalid_key(method: str, path: str, body: bytes) -> Reply:
    if "/public/SystemStatus" in path:
        return Reply(body=ONLINE)
    if "/public/Time" in path:
        return Reply(body=b'{"error": [], "result": {"unixtime": 1767225600}}')
    return Reply(body=b'{"error": ["EAPI:Invalid key"]}')


_value = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=B64, min_size=20, max_size=100).map(lambda s: s + "=="),
    st.text(alphabet=B64 + " \t\r\n\"'\u200b\ufeff\u00a0", max_size=100),
)


def _keylike(value: str) -> bool:
    v = value.strip()
    return len(v) >= 20 and set(v) <= set(B64 + "=") and len(set(v)) >= 12


@FUZZ
@given(
    key=_value,
    secret=_value,
    account=st.one_of(st.sampled_from(["master", "all", "bob_example"]), st.text(max_size=20)),
    api_url=st.one_of(st.none(), st.text(max_size=40)),
    otp=st.one_of(st.none(), st.text(max_size=12)),
)
def test_any_environment_gives_a_report(key, secret, account, api_url, otp) -> None:
    with stub_server(_answers_invalid_key) as url:
        env = env_for(key, secret, url)
        if api_url is not None:
            env[CAT.env_vars.api_url] = api_url
        if account not in ("master", "all"):
            env.update(env_for(key, secret, url, account="bob_example"))
        rep = run_check(
            CheckOptions(accounts=[account], environ=env, cwd="/nonexistent", timeout=1, otp=otp)
        )
    assert rep.exit_code in (0, 1, 2)
    text = render(rep) + render(rep, as_json=True)
    json.loads(render(rep, as_json=True))
    # The other inputs are echoed on purpose (URL, account name); take them out first.
    for echoed in sorted({api_url or "", account, (api_url or "").strip().rstrip("/")}, key=len)[
        ::-1
    ]:
        if echoed:
            text = text.replace(echoed, "").replace(json.dumps(echoed)[1:-1], "")
    # Only values that look like real keys: a short or repetitive value (key "0000...") can
    # match other text by chance (an account named "0000...") without any leak.
    if _keylike(key):
        assert_no_secrets(text, keys=[key], key_window=12)
    if _keylike(secret):
        assert_no_secrets(text, secrets=[secret], secret_window=12)


_kraken_json = st.fixed_dictionaries(
    {
        "error": st.lists(
            st.one_of(
                st.sampled_from([e.string for e in CAT.errors] + ["EGeneral:Unknown method"]),
                st.text(max_size=30),
            ),
            max_size=2,
        ),
    },
    optional={
        "result": st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda c: (
                st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=12), c, max_size=4)
            ),
            max_leaves=8,
        )
        | st.fixed_dictionaries(
            {"status": st.sampled_from(["online", "maintenance", "cancel_only", "post_only", "x"])}
        )
        | st.fixed_dictionaries(
            {
                "permissions": st.lists(
                    st.sampled_from([p.id for p in CAT.permissions]) | st.text(max_size=8)
                ),
                "ipAllowlist": st.lists(st.text(max_size=8), max_size=2) | st.text(max_size=5),
                "validUntil": st.text(max_size=5) | st.integers(),
            }
        )
    },
).map(lambda d: json.dumps(d).encode())

_reply = st.builds(
    Reply,
    status=st.sampled_from([200, 200, 200, 400, 403, 404, 429, 500, 502, 503, 520])
    | st.integers(200, 599),
    body=st.one_of(_kraken_json, st.binary(max_size=64), st.just(b"<html>oops</html>")),
    content_type=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
    delay=st.sampled_from([0.0, 0.0, 0.0, 0.3]),
    drop=st.sampled_from([False, False, False, True]),
)


@FUZZ
@given(replies=st.lists(_reply, min_size=1, max_size=6))
def test_any_server_answer_gives_a_report(replies: list[Reply]) -> None:
    turn = count()

    def respond(method: str, path: str, body: bytes) -> Reply:
        return replies[next(turn) % len(replies)]

    key = "hJ3kQ9zXw2Lm8Rt5Vb7Nc4Pd6Fg1Sa0Ye3Ui9Oo2Kk5Jj8Hh1Gg4Ff7D"
    secret = base64.b64encode(bytes(range(7, 7 + CAT.kraken.secret_bytes))).decode()
    with stub_server(respond) as url:
        rep = run_check(
            CheckOptions(environ=env_for(key, secret, url), cwd="/nonexistent", timeout=0.2)
        )
    assert rep.exit_code in (0, 1, 2)
    text = render(rep)
    assert "Result:" in text
    assert_no_secrets(text + render(rep, as_json=True), secrets=[secret], keys=[key])


@FUZZ
@given(st.text(max_size=300))
def test_any_dotenv_text_parses(text: str) -> None:
    out = parse_dotenv(text)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in out.items())
