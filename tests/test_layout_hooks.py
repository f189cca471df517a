"""The layout hooks: last-reviewed dates from git (and none where git cannot tell: no git, no
repository, a shallow clone), the source link from the package metadata, table cells labelled
for phones, identifiers kept whole, figures out of paragraphs."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

import layout_hooks

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, day: str = "2026-01-10") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"{day}T12:00:00Z",
        "GIT_COMMITTER_DATE": f"{day}T12:00:00Z",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two pages: a.md last changed on 2026-01-10, b.md on 2026-02-03."""
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "docs" / "a.md").write_text("a\n")
    (root / "docs" / "b.md").write_text("b\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    (root / "docs" / "b.md").write_text("b2\n")
    git(root, "commit", "-qam", "two", day="2026-02-03")
    return root


@needs_git
def test_each_page_gets_the_day_of_its_last_commit(repo: Path) -> None:
    dates = layout_hooks.last_commit_dates(repo)
    assert dates == {"docs/a.md": date(2026, 1, 10), "docs/b.md": date(2026, 2, 3)}


@needs_git
def test_a_shallow_clone_gives_no_dates_rather_than_wrong_ones(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    assert layout_hooks.last_commit_dates(clone) == {}


def test_no_repository_or_no_git_gives_no_dates(tmp_path: Path, monkeypatch) -> None:
    assert layout_hooks.last_commit_dates(tmp_path) == {}
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all
    assert layout_hooks.last_commit_dates(tmp_path) == {}


def test_the_source_link_comes_from_the_package_metadata() -> None:
    url = layout_hooks.source_url()
    assert url is not None and url.startswith("https://github.com/")


def test_table_cells_carry_their_column_heading() -> None:
    html = (
        "<table><thead><tr><th>Account</th><th>Key <em>variable</em></th></tr></thead>"
        "<tbody><tr><td>Master</td><td><code>K</code></td></tr></tbody></table>"
    )
    out = layout_hooks.label_table_cells(html)
    assert '<td data-label="Account">Master</td>' in out
    assert '<td data-label="Key variable"><code>K</code></td>' in out


def test_inline_names_stay_whole_and_urls_break_only_after_slashes() -> None:
    short = layout_hooks.keep_identifiers_whole("<td><code>EGeneral:Permission denied</code></td>")
    assert short == '<td><code><span class="kd-nw">EGeneral:Permission denied</span></code></td>'
    out = layout_hooks.keep_identifiers_whole(
        "<p><code>kraken-doctor check --account USER:alice</code> and "
        "<code>https://a.example/e/x/</code></p><pre><span></span><code>kept as is</code></pre>"
    )
    assert '<span class="kd-nw">kraken-doctor</span> <span class="kd-nw">check</span>' in out
    assert "<code>https:/<wbr>/<wbr>a.example/<wbr>e/<wbr>x/<wbr></code>" in out
    assert "<pre><span></span><code>kept as is</code></pre>" in out


def test_a_figure_leaves_its_paragraph() -> None:
    out = layout_hooks.on_page_content('<p><figure class="kd-fig x"><svg></svg></figure></p>')
    assert out == '<figure class="kd-fig x"><svg></svg></figure>'
