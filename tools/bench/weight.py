"""What a first visit to a page downloads, measured in the real browser.

Every response the page (and its search worker) receives is counted, bytes as transferred
(gzip, like GitHub Pages) and as decoded, grouped the way a reader pays for them: the HTML,
the render-blocking CSS and JS, fonts, the search index, images.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from playwright.sync_api import Response, sync_playwright

from bench.browser import launch

KINDS = ("HTML", "CSS", "JS", "fonts", "search index", "images", "other")


@dataclass
class Weight:
    transferred: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    decoded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    files: list[tuple[str, str, int, int]] = field(default_factory=list)
    dom_elements: int = 0

    @property
    def total_transferred(self) -> int:
        return sum(self.transferred.values())

    @property
    def total_decoded(self) -> int:
        return sum(self.decoded.values())


def kind_of(url: str, content_type: str) -> str:
    path = url.split("?")[0]
    if path.endswith("search_index.json"):
        return "search index"
    if "text/html" in content_type:
        return "HTML"
    if path.endswith(".css"):
        return "CSS"
    if path.endswith(".js"):
        return "JS"
    if path.endswith((".woff", ".woff2", ".ttf", ".otf")) or content_type.startswith("font/"):
        return "fonts"
    if content_type.startswith("image/"):
        return "images"
    return "other"


def measure(url: str) -> Weight:
    """Load `url` once in a fresh context (empty cache) and add up every response."""
    weight = Weight()
    responses: list[Response] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context().new_page()
            page.on("response", lambda response: responses.append(response))
            page.goto(url, wait_until="networkidle")
            weight.dom_elements = page.evaluate("document.getElementsByTagName('*').length")
            for response in responses:
                body = response.body() if response.status < 300 else b""
                # Content-Length is the body as sent (compressed); the server always sets it.
                sent = int(response.headers.get("content-length", len(body)))
                kind = kind_of(response.url, response.headers.get("content-type", ""))
                weight.transferred[kind] += sent
                weight.decoded[kind] += len(body)
                weight.requests[kind] += 1
                weight.files.append((kind, response.url.split("/", 3)[-1], sent, len(body)))
        finally:
            browser.close()
    return weight
