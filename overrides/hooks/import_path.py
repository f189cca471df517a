"""MkDocs hook, listed first: this folder on `sys.path` for the whole build.

The site's build code (these hooks, the mkdocs-macros module, the capture and figure code)
lives here beside the docs, not in the kraken_doctor package users install, so that the
wheel ships only what users run. The modules import one another by their plain names
(`from macros import fenced`), and mkdocs-macros imports `macros` by name; MkDocs puts a
hook's folder on the path only while it loads that hook, so this hook keeps it there from
startup on, before any plugin's configuration step.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HOOKS_DIR = str(Path(__file__).resolve().parent)


def on_startup(**_: Any) -> None:
    if HOOKS_DIR not in sys.path:
        sys.path.insert(0, HOOKS_DIR)
