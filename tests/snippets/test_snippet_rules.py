"""Rules every snippet keeps, because users copy one file alone into their bot's folder:
standard library and one Kraken client only, the bot's variable names (from the catalog), the API
address from KRAKEN_API_URL, and a main guard."""

from __future__ import annotations

import ast
import os
import re
import sys

import pytest
from tests.snippets.support import (
    CLIENT_SUFFIXES,
    ENV,
    KEY,
    PASTED,
    SECRET,
    SNIPPETS,
    load_snippet,
    variants,
)

from kraken_doctor.catalog import load_catalog
from kraken_doctor.links import docs_url

FILES = sorted(SNIPPETS.glob("*.py"))
IDS = [p.stem for p in FILES]


def imported(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module.split(".")[0])
    return names


#: Each client's import name, by the client's name (the tab titles on the pages).
IMPORT_NAMES = {c.name: c.import_name for c in load_catalog().clients}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_standard_library_and_one_client_only(path):
    """A file uses the standard library and at most one client: the one its name ends with."""
    outside = imported(path) - set(sys.stdlib_module_names)
    assert len(outside) <= 1, f"{path.name} imports {sorted(outside)}: users copy it alone"
    assert outside <= set(IMPORT_NAMES.values()), f"{path.name} imports {sorted(outside)}"
    for client, suffix in CLIENT_SUFFIXES.items():
        if suffix and path.stem.endswith(suffix):
            assert outside == {IMPORT_NAMES[client]}, f"{path.name} is not {client}'s version"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_runs_only_as_a_script(path):
    assert (
        path.read_text(encoding="utf-8")
        .rstrip()
        .endswith(
            ('if __name__ == "__main__":\n    sys.exit(main())', "sys.exit(main(sys.argv[1:]))")
        )
    )


CLIENTS = [p for p in FILES if imported(p) & set(IMPORT_NAMES.values())]


def function_source(path, name: str) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    assert found, f"{path.name} has no {name}()"
    return ast.unparse(found[0])


@pytest.mark.parametrize("path", CLIENTS, ids=lambda p: p.stem)
def test_kraken_address_comes_from_kraken_api_url(path):
    """Every file that calls Kraken reads the address with the same api_url()."""
    text = path.read_text(encoding="utf-8")
    line = f'os.environ.get("{ENV.api_url}", "").strip().rstrip("/") or "{ENV.default_api_url}"'
    assert line in text
    reference = SNIPPETS / "connection_test.py"
    assert function_source(path, "api_url") == function_source(reference, "api_url")
    assert "ADDRESS = " in text and text.count("api_url()") >= 2


@pytest.mark.parametrize("path", CLIENTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("url", PASTED, ids=range(len(PASTED)))
def test_a_key_pasted_into_the_url_variable_is_not_printed(path, url, snippet):
    """The URL is printed in messages, so a value that is not a plain address stops the run
    unprinted (the snippet fixture checks the output for the key and the secret)."""
    run = snippet(path.stem, env={ENV.master.key: KEY, ENV.master.secret: SECRET, ENV.api_url: url})
    assert run.returncode == 1
    assert f"{ENV.api_url} is not a plain address" in run.output


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_url_is_one_the_catalog_knows(path):
    """A snippet types its URLs (it cannot import the catalog); each must be the catalog's."""
    cat = load_catalog()
    known = {ENV.default_api_url, cat.kraken.status_page, cat.site.base_url + cat.site.errors_path}
    urls = set(re.findall(r"https?://[^\s\"')]*[^\s\"').,;:]", path.read_text(encoding="utf-8")))
    assert urls <= known, sorted(urls - known)


@pytest.mark.parametrize(
    "name",
    [*variants("connection_test"), *variants("permission_check"), *variants("nonce_safe_client")],
)
def test_credentials_follow_the_bots_scheme(name, monkeypatch):
    credentials = load_snippet(name).credentials
    for var in [v for v in os.environ if v.upper().startswith("KRAKEN")]:
        monkeypatch.delenv(var)

    key_name, secret_name = ENV.for_user("john_smith")
    monkeypatch.setenv(key_name, " john-key ")
    monkeypatch.setenv(secret_name, "john-secret")
    assert credentials("john_smith") == ("john-key", "john-secret", "USER:john_smith")

    monkeypatch.setenv(ENV.legacy.key, "legacy-key")
    monkeypatch.setenv(ENV.legacy.secret, "legacy-secret")
    assert credentials(None) == ("legacy-key", "legacy-secret", "MASTER")
    monkeypatch.setenv(ENV.master.key, "master-key")
    monkeypatch.setenv(ENV.master.secret, "master-secret")
    assert credentials(None) == ("master-key", "master-secret", "MASTER")

    monkeypatch.delenv(ENV.master.secret)
    with pytest.raises(SystemExit, match=f"{ENV.master.secret} is not set"):
        credentials(None)  # a half-set master pair is an error, not a silent legacy fallback


#: Snippets that call Kraken carry their own copy of the error pages (users copy one file).
LINKING = [p for p in FILES if re.search(r"^PAGES = ", p.read_text("utf-8"), re.MULTILINE)]


def test_the_snippets_that_call_kraken_all_carry_the_page_list():
    names = {p.stem for p in LINKING}
    assert names == {
        *variants("connection_test"),
        *variants("permission_check"),
        *variants("balance_check"),
        *variants("nonce_safe_client"),
    }


@pytest.mark.parametrize("path", LINKING, ids=[p.stem for p in LINKING])
def test_its_error_links_are_the_catalogs(path):
    """The page list is the catalog's errors a private call can answer with (orders, queries
    and funding aside), in catalog order, and every spelling links where links.docs_url does."""
    snip = load_snippet(path.stem)
    cat = load_catalog()
    assert snip.DOCS == cat.site.base_url + cat.site.errors_path
    callable_errors = [e for e in cat.errors if e.category not in ("order", "query", "funding")]
    assert snip.PAGES == [e.slug for e in callable_errors]
    for e in callable_errors:
        for text in (e.string, e.string + ":some detail", e.string.replace(":", ": ", 1)):
            assert snip.docs_url(text) == docs_url(text), text
    assert snip.docs_url("EFuture:Something new") == docs_url("EFuture:Something new")
