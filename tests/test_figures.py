"""The key-form picture is drawn from the catalog: every box in Kraken's order, a tick on each
box the bot needs, a cross and a red outline on each money-moving box; edit the catalog and
the picture follows. The text is real SVG text, and the figure has a caption and a title."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
import yaml

import figures
from kraken_doctor.catalog import Catalog, load_catalog

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def rows(cat: Catalog, svg: str) -> list[tuple[str, str]]:
    """(label, verdict) of each box row, top to bottom, read back from the drawing."""
    words = texts(parse(svg))
    labels = {p.label for p in cat.permissions}
    return [(w, words[i + 1]) for i, w in enumerate(words) if w in labels]


def test_every_box_in_order_with_its_verdict(cat: Catalog) -> None:
    drawn = rows(cat, figures.key_form_svg(cat))
    assert [label for label, _ in drawn] == [p.label for p in cat.permissions]
    expected = [
        "Tick" if p.bot_needs else "Never" if p.forbidden else "Off" for p in cat.permissions
    ]
    assert [verdict for _, verdict in drawn] == expected


def test_ticks_crosses_and_red_outlines_match_the_catalog(cat: Catalog) -> None:
    root = parse(figures.key_form_svg(cat))
    paths = [p.get("class") for p in root.iter(f"{SVG}path")]
    assert paths.count("kd-tick") == len(cat.required_permissions)
    assert paths.count("kd-cross") == len(cat.forbidden_permissions)
    outlines = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "kd-danger"]
    assert len(outlines) == len(cat.forbidden_permissions)
    assert any("Withdraw" == p.label and p.forbidden for p in cat.permissions)


def test_groups_appear_in_catalog_order(cat: Catalog) -> None:
    words = texts(parse(figures.key_form_svg(cat)))
    groups = [w for w in words if any(w.startswith(g.label) for g in cat.permission_groups)]
    assert [g.split(" (")[0] for g in groups] == [g.label for g in cat.permission_groups]


def test_a_catalog_edit_changes_the_picture(cat: Catalog, tmp_path: Path) -> None:
    text = resources.files("kraken_doctor").joinpath("catalog.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["permissions"][0]["label"] = "Query balances"
    data["permissions"][1]["bot_needs"] = True  # Deposit, made needed for this test
    data["permissions"].append(
        {
            "id": "move-everything",
            "group": "data",
            "label": "Move everything",
            "old_labels": [],
            "bot_needs": False,
            "why": "A box made up for this test.",
            "forbidden": True,
        }
    )
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    changed = load_catalog(path)
    before, after = figures.key_form_svg(cat), figures.key_form_svg(changed)
    assert before != after
    drawn = dict(rows(changed, after))
    assert drawn["Query balances"] == "Tick" and drawn["Deposit"] == "Tick"
    assert drawn["Move everything"] == "Never"
    assert "Query balances" in figures.key_form_alt(changed)


def test_figure_has_title_caption_and_no_outside_reference(cat: Catalog) -> None:
    html = figures.key_form_figure(cat)
    assert "\n" not in html  # one line: it must fit in a Markdown list item
    svg = re.search(r"<svg.*</svg>", html).group(0)
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == root.get("aria-labelledby")
    assert all(p.label in title.text for p in cat.required_permissions + cat.forbidden_permissions)
    assert re.search(r"<figcaption>.+</figcaption>", html)
    assert "href" not in svg and "<image" not in svg


def test_settings_sketch_is_text_with_a_title() -> None:
    html = figures.settings_api_figure()
    root = parse(re.search(r"<svg.*</svg>", html).group(0))
    words = " ".join(texts(root))
    assert "Settings" in words and "API" in words
    assert root.find(f"{SVG}title") is not None
