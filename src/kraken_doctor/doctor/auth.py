"""Does Kraken accept the key, its signature and its nonce? Read from the first private call.

The first private call is GetApiKeyInfo (or, on servers without it, the first probe). Its
error, if any, says which part of authentication failed. Invalid nonce gets one immediate
retry with a fresh nonce: if that passes, another program is using the key right now; if it
fails too, the key has seen larger nonces than ours and only a new key helps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kraken_doctor.catalog import Catalog
from kraken_doctor.doctor import reachability
from kraken_doctor.doctor.client import Answer
from kraken_doctor.doctor.errors import classify, err, finding_for, url
from kraken_doctor.doctor.model import Finding
from kraken_doctor.links import docs_url
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context

OTP_OPTION = "--otp"
OTP_ENV = "KRAKEN_DOCTOR_OTP"


def passed(key_hint: str) -> Finding:
    return Finding(
        "authentication",
        "pass",
        "authenticated",
        f"Kraken accepted the key {key_hint}, its signature and its nonce.",
    )


def nonce_race(cat: Catalog) -> Finding:
    return Finding(
        "authentication",
        "warn",
        "nonce-race",
        "Kraken refused the first nonce but accepted the next one: another program (or another "
        "copy of the bot) is using this key at the same moment.",
        "Give every bot, script and machine its own API key.",
        url(cat, KnownError.INVALID_NONCE),
    )


def nonce_trap(cat: Catalog, skew: float | None) -> Finding:
    clock = ""
    if skew is not None and skew > 1:
        clock = f" This machine's clock is also {skew:.0f} s behind Kraken's; fix that first."
    return Finding(
        "authentication",
        "fail",
        "nonce-trap",
        f"Kraken refused two fresh nonces in a row ({err(cat, KnownError.INVALID_NONCE)}). "
        "This key has already "
        "accepted a nonce larger than the current time in milliseconds: a program with larger "
        "nonces (microseconds or nanoseconds, such as python-kraken-sdk or kraken-cli) used it, "
        "or is using it now. A key's nonce can never be reset." + clock,
        "Create a new API key for this bot only, and never use it from another program.",
        url(cat, KnownError.INVALID_NONCE),
    )


def interpret(ans: Answer, cat: Catalog, otp_given: bool, context: str) -> Finding:
    """The finding for a private call's Kraken error (transport failures are handled elsewhere)."""
    c = classify(ans.errors[0], cat)
    page = docs_url(ans.errors[0], cat)
    if c.slug == KnownError.INVALID_KEY:
        return Finding(
            "authentication",
            "fail",
            KnownError.INVALID_KEY,
            f"Kraken does not know this API key ({err(cat, KnownError.INVALID_KEY)}) {context}: "
            "it is mistyped, deleted, expired, or a Futures key.",
            "Check on kraken.com (Settings, then API) that the key exists; copy it again, or "
            "create a new one.",
            page,
        )
    if c.slug == KnownError.INVALID_SIGNATURE:
        if otp_given:
            why = (
                "the private key does not belong to this key, the one-time password is wrong "
                "or expired, or the key has no 2FA and must not get one"
            )
            fix = (
                "Copy the private key again; run again with a fresh code, or without "
                f"{OTP_OPTION} if the key has no 2FA."
            )
        else:
            why = (
                "the private key does not belong to this key or is incomplete, or the key has "
                "API 2FA and needs a one-time password on every call"
            )
            fix = (
                "Copy the private key again. If the key has 2FA, run again with "
                f"{OTP_OPTION} CODE (or {OTP_ENV}), and turn 2FA off for a bot's key."
            )
        return Finding(
            "authentication",
            "fail",
            KnownError.INVALID_SIGNATURE,
            "Kraken knows the key but not the signature "
            f"({err(cat, KnownError.INVALID_SIGNATURE)}) {context}: "
            f"{why}.",
            fix,
            page,
        )
    if c.slug == KnownError.PERMISSION_DENIED:
        # GetApiKeyInfo needs no permission: 2FA without a code (user reports) or an IP
        # allowlist that leaves this machine out are the likely reasons.
        twofa = (
            f"the key has API 2FA and needs {OTP_OPTION} CODE (or {OTP_ENV})"
            if not otp_given
            else "the one-time password was refused"
        )
        return Finding(
            "authentication",
            "fail",
            "denied-without-permission",
            f"Kraken answered {err(cat, KnownError.PERMISSION_DENIED)} {context}, a call that "
            f"needs no permission: {twofa}, or the key's IP allowlist does not include this "
            "machine.",
            "Check the key's 2FA and IP allowlist on kraken.com (Settings, then API); a bot's "
            "key should have no 2FA.",
            page,
        )
    if c.slug == KnownError.INVALID_NONCE:
        return nonce_trap(cat, None)
    return finding_for("authentication", c, cat, context)


def _invalid_nonce(cat: Catalog, ans: Answer) -> bool:
    return bool(ans.errors) and classify(ans.errors[0], cat).slug == KnownError.INVALID_NONCE


def first_call(ctx: Context, method: str, params: dict[str, str]) -> tuple[Answer, list[Finding]]:
    """The key's first private call, retried once if Kraken refuses its nonce.

    A retry that gets past the nonce check means another program raced this one on the key
    (the finding returned); a second refusal is left to the caller, since only it knows what
    it means.
    """
    ans = ctx.client.private(method, params)
    if not _invalid_nonce(ctx.cat, ans):
        return ans, []
    ans = ctx.client.private(method, params)
    if ans.failure or _invalid_nonce(ctx.cat, ans):
        return ans, []
    return ans, [nonce_race(ctx.cat)]


def refused(ctx: Context, ans: Answer, context: str) -> Finding:
    """Why a private call got no usable answer: the transport, or Kraken's error."""
    if ans.failure:
        return reachability.transport_finding(ans, ctx.run.api_url, ctx.cat.env_vars.api_url)
    return interpret(ans, ctx.cat, bool(ctx.opts.otp), context)


def run(ctx: Context) -> list[Finding]:
    """GetApiKeyInfo, the first private call. A server without it leaves authentication to
    the permission probes (`ctx.key_info` keeps the answer either way)."""
    ctx.run.say(f"Account {ctx.report.label} (key {ctx.report.key_hint}):")
    info, out = first_call(ctx, "GetApiKeyInfo", {})
    ctx.key_info = info
    if _invalid_nonce(ctx.cat, info):
        return [*out, nonce_trap(ctx.cat, ctx.run.skew)]
    if info.ok:
        return [*out, passed(ctx.report.key_hint or "...")]
    if not info.failure and classify(info.errors[0], ctx.cat).slug == KnownError.UNKNOWN_METHOD:
        return out
    return [*out, refused(ctx, info, "in answer to GetApiKeyInfo")]
