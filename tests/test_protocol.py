"""The base both the doctor and the mock stand on: how a key is shown and how a call is signed."""

from __future__ import annotations

import pytest

from kraken_doctor.protocol import SecretError, mask_key, sign

KEY = "kD9xQ2vLm8Rt4Yp7Wn3Zs6Hc1Jf5Ge0Ab2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8"


def test_a_key_is_shown_by_its_last_four_characters_only() -> None:
    assert mask_key(KEY) == "...6Qr8"
    assert mask_key(f"  {KEY}\n") == "...6Qr8"


@pytest.mark.parametrize("short", ["", "abcd", "abcdefgh", "  abcdefgh  "])
def test_a_value_too_short_to_be_a_key_shows_nothing(short: str) -> None:
    """Four characters of an eight-character value would give half of it away."""
    assert mask_key(short) == "..."


def test_nine_characters_are_the_shortest_shown() -> None:
    assert mask_key("abcdefghi") == "...fghi"


def test_nonce_as_number_or_text_signs_the_same() -> None:
    secret = "a2V5" * 22  # base64 text
    body = "nonce=1616492376594&pair=XBTUSD"
    assert sign(secret, "/0/private/Balance", 1616492376594, body) == sign(
        secret, "/0/private/Balance", "1616492376594", body.encode()
    )


def test_a_secret_that_is_not_base64_is_named() -> None:
    with pytest.raises(SecretError, match="not valid base64"):
        sign("not base64!", "/0/private/Balance", 1, "nonce=1")
