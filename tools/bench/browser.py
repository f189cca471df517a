"""Launch Debian's chromium through Playwright, the same way for the tests and the bench.

Playwright's own browser download cannot run on these machines, so Playwright drives the
system chromium through `executable_path`. The flags keep it from calling home (updates,
sync, field trials, QUIC probes) so every request it makes is one the page asked for, and
send every request for another host than 127.0.0.1 to a proxy that is not there, so none
leaves the machine. (Refusing them with Playwright's request routing would do the same,
but routing holds every request of every page for a round trip to Python: a third more
CPU for a walk over the site.)
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get("KD_CHROMIUM", "/usr/bin/chromium")
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--proxy-server=http://127.0.0.1:9",  # the discard port: nothing listens, so it fails fast
    f"--proxy-bypass-list={LOCAL_HOST}",
]


def leaves_machine(url: str) -> bool:
    """A request the proxy above refuses: a web address on another host than ours."""
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != LOCAL_HOST


class ChromiumMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """The chromium binary, or a message that says how to get it."""
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        raise ChromiumMissing(
            f"chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium), "
            "or set KD_CHROMIUM to the browser's path"
        )
    return CHROMIUM


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
