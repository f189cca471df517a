"""What keeps pages light: whole scripts on pages of their own (script_hooks) and the theme's
indentation left out (whitespace_hooks), checked on the built site and on small inputs."""

from __future__ import annotations

import html
import re
from pathlib import Path

from script_hooks import SCRIPTS_PATH, fold_listings, included_text
from sitebuild import PROJECT, Build
from whitespace_hooks import drop_indentation

SNIPPETS = PROJECT / "snippets"
DOCS = PROJECT / "docs"
CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
INCLUDE = re.compile(r'^\s*-+8<-+\s+"(?P<file>[^":]+)"\s*$', re.MULTILINE)


def _codes(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip("\n") for c in CODE.findall(page)]


def _scripts() -> dict[str, Path]:
    return {p.relative_to(SNIPPETS).as_posix(): p for p in sorted(SNIPPETS.rglob("*.py"))}


def test_every_script_has_its_page_and_its_file(site_build: Build) -> None:
    assert site_build.returncode == 0, site_build.output
    for name, path in _scripts().items():
        stem = name.removesuffix(".py")
        page = site_build.file_for(f"{SCRIPTS_PATH}{stem}/")
        assert page, f"no page for snippets/{name}"
        assert included_text(path) in _codes(page.read_text("utf-8")), name
        copy = site_build.file_for(f"{SCRIPTS_PATH}{name}")
        assert copy and copy.read_bytes() == path.read_bytes(), f"{name}: download differs"


def _folded_includes(source: str) -> list[str]:
    """The files a page includes whole inside a collapsed block (`??? example`)."""
    found, folded = [], False
    for line in source.splitlines():
        if line.startswith("???"):
            folded = True
        elif line.strip() and not line[0].isspace():
            folded = False
        elif (m := INCLUDE.match(line)) and folded:
            found.append(m["file"])
    return found


def test_folded_whole_scripts_are_links_to_their_pages(site_build: Build) -> None:
    """A page that folds a whole script away links to its page instead of carrying it."""
    whole = {included_text(p) for p in _scripts().values()}
    pages = 0
    for md in sorted(DOCS.rglob("*.md")):
        folded = _folded_includes(md.read_text("utf-8"))
        if not folded:
            continue
        pages += 1
        rel = md.relative_to(DOCS).with_suffix("").as_posix()
        built = site_build.file_for(rel.removesuffix("index"))
        assert built, rel
        page = built.read_text("utf-8")
        for details in re.findall(r"<details\b.*?</details>", page, re.DOTALL):
            assert not set(_codes(details)) & whole, f"{rel}: a whole script is still folded in"
        links = re.findall(r'class="kd-script-link" href="([^"]+)"', page)
        for file in folded:
            target = f"{SCRIPTS_PATH}{file.removesuffix('.py')}/"
            assert any(link.endswith(target) for link in links), f"{rel}: no link to {target}"
    assert pages, "no page folds a whole script away any more: is INCLUDE still right?"


def _page(url: str) -> object:
    return type("Page", (), {"url": url})()


class _Files:
    def get_file_from_path(self, path: str) -> object:
        return type(
            "File", (), {"url": path.removesuffix(".md") + "/" if path.endswith(".md") else path}
        )()


def test_a_listing_is_recognised_by_its_text_and_the_rest_is_left_alone() -> None:
    import script_hooks

    code = 'print(<span class="s">"a &amp; b"</span>)\n'
    script = script_hooks.Script("x.py", "scripts/x.md", "scripts/x.py", 1)
    script_hooks._scripts.clear()
    script_hooks._scripts['print("a & b")'] = script
    listing = f'<div class="highlight"><pre><span></span><code>{code}</code></pre></div>'
    other = '<div class="highlight"><pre><span></span><code>print(2)\n</code></pre></div>'
    alone = f'<details class="example">\n<summary>x.py: whole</summary>\n{listing}\n</details>'
    mixed = f"<details>\n<summary>Two</summary>\n{listing}\n{other}\n</details>"
    out = fold_listings(f"<p>a</p>{alone}{mixed}{listing}", _page("guides/g/"), _Files())
    link = '<a class="kd-script-link" href="../../scripts/x/">'
    assert out.startswith(f'<p>a</p><p class="kd-script">{link}x.py: whole</a>')
    assert '<a href="../../scripts/x.py" download>' in out
    assert f'<summary>Two</summary>\n<p class="kd-script">{link}Two</a>' in out
    assert other in out, "a listing of no script stays"
    assert out.endswith(listing), "a listing shown unfolded stays"
    script_hooks._scripts.clear()


def test_indentation_goes_but_code_scripts_and_content_stay() -> None:
    page = (
        "<nav>\n    <a>Home</a>\n\n      <span>x</span>\n</nav>\n"
        "<article>\n    <p>kept\n      as is</p>\n</article>\n"
        "<pre>\n    code\n</pre>\n<script>\n  var a = 1;\n</script>\n<footer>\n   f\n</footer>"
    )
    out = drop_indentation(page)
    assert out == (
        "<nav>\n<a>Home</a>\n<span>x</span>\n</nav>\n"
        "<article>\n    <p>kept\n      as is</p>\n</article>\n"
        "<pre>\n    code\n</pre>\n<script>\n  var a = 1;\n</script>\n<footer>\nf\n</footer>"
    )
