"""llms.txt and llms-full.txt: what an AI assistant reads to send an error to its fix
(overrides/hooks/llms_hooks.py). Every error page and every guide must be listed, and
every link must lead to a built page."""

from __future__ import annotations

import re

import yaml

from kraken_doctor.catalog import load_catalog
from llms_hooks import first_sentence
from sitebuild import PROJECT, Build, site_build  # noqa: F401  (site_build: fixture)

CAT = load_catalog()
BASE = CAT.site.base_url
LINK = re.compile(r"^- \[(?P<text>[^\]]+)\]\((?P<url>[^)]+)\)(?::\s(?P<note>.+))?$", re.M)


def nav_sources(section: str) -> list[str]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    nav = yaml.load((PROJECT / "mkdocs.yml").read_text("utf-8"), Loader)["nav"]
    items = next(i[section] for i in nav if isinstance(i, dict) and section in i)
    return [v for item in items for v in item.values()]


def read(site_build: Build, name: str) -> str:  # noqa: F811
    assert site_build.returncode == 0, site_build.output
    path = site_build.file_for(name)
    assert path, f"{name} was not built"
    return path.read_text("utf-8")


def test_llms_txt_lists_every_error_page_with_its_meaning(site_build: Build) -> None:  # noqa: F811
    text = read(site_build, "llms.txt")
    assert text.startswith(f"# {CAT.site.name}\n\n> ")
    links = {m["url"]: m for m in LINK.finditer(text)}
    for entry in CAT.errors:
        url = f"{BASE}{CAT.site.errors_path}{entry.slug}/"
        assert url in links, entry.string
        assert links[url]["note"] == first_sentence(entry.meaning)
    errors = text.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    assert len(LINK.findall(errors)) == len(CAT.errors)


def test_llms_txt_lists_every_guide(site_build: Build) -> None:  # noqa: F811
    text = read(site_build, "llms.txt")
    for source in nav_sources("Guides"):
        url = BASE + re.sub(r"(index)?\.md$", "/", source).replace("//", "/")
        assert f"]({url})" in text, source


def test_every_link_in_llms_txt_is_a_built_file(site_build: Build) -> None:  # noqa: F811
    for m in LINK.finditer(read(site_build, "llms.txt")):
        assert m["url"].startswith(BASE), m["url"]
        assert site_build.file_for(m["url"][len(BASE) :]), m["url"]


def test_llms_full_txt_holds_every_page_once(site_build: Build) -> None:  # noqa: F811
    full = read(site_build, "llms-full.txt")
    assert full.startswith(read(site_build, "llms.txt"))
    sources = re.findall(r"^Source: (\S+)$", full, re.M)
    assert len(sources) == len(set(sources))
    for entry in CAT.errors:
        assert f"{BASE}{CAT.site.errors_path}{entry.slug}/" in sources, entry.string
    for source in nav_sources("Guides"):
        assert BASE + re.sub(r"\.md$", "/", source) in sources
    assert "{{" not in full and "--8<--" not in full  # macros rendered, scripts named
