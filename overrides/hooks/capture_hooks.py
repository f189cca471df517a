"""MkDocs hook: the captured outputs of a build run in parallel, while the pages render.

MkDocs turns every page's Markdown into HTML first, then puts each page into its template.
The `snippet_output` and `doctor_output` macros therefore only start a capture that is not
cached yet (captures: threads for a build, fresh processes under `mkdocs
serve`) and leave a placeholder in a code block; by the time the
pages reach their templates the captures have had the whole first pass to run, and each
placeholder's code block is swapped for the capture's, rendered by the same Markdown
extensions, before the search plugin indexes the page.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import captures
from macros import fenced

log = logging.getLogger("mkdocs.plugins.captures")
_CODE = re.compile(r"<code[^>]*>(.*?)</code>", re.DOTALL)


class _CodeRenderer:
    """The inside of the `<code>` element the site's Markdown makes of `fenced(text)`."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._md = markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs
        )

    def __call__(self, text: str) -> str:
        html = self._md.reset().convert(fenced(text))
        found = _CODE.search(html)
        if found is None:
            raise PluginError(f"a captured output rendered without a code block: {html[:200]}")
        return found.group(1)


_renderer: _CodeRenderer | None = None
_serving = False  # under `mkdocs serve`, captures run in fresh processes (see captures)


def on_startup(command: str, **_: Any) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    global _renderer
    _renderer = None
    project = Path(config.config_file_path).parent
    captures.start(project, deferred=True, fresh_processes=_serving)
    return config


@event_priority(50)  # before the search plugin reads the page's HTML
def on_page_context(context: Any, page: Any, config: MkDocsConfig, **_: Any) -> Any:
    global _renderer
    batch = captures.active()
    if batch is None or not captures.PLACEHOLDER.search(page.content or ""):
        return context
    _renderer = _renderer or _CodeRenderer(config)
    try:
        page.content = batch.resolve(page.content, _renderer)
    except captures.CaptureError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None
    return context


def on_post_build(config: MkDocsConfig, **_: Any) -> None:
    batch = captures.active()
    if batch is not None and batch.ran:
        log.info("Captured outputs: ran %d, read the others from the cache", len(batch.ran))
    captures.close_current()


def on_build_error(error: Exception, **_: Any) -> None:
    captures.close_current()


def on_shutdown(**_: Any) -> None:
    captures.close_current()
