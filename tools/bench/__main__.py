"""`make bench`: the figures a reader and a contributor wait for, printed in one run.

Not a test: nothing here passes or fails on a number. In order: strict builds with an empty
and with a warm capture cache, the guide's HTML bytes and elements, what the guide page
downloads in a real browser and its DOM size, Lighthouse on the guide (mobile, median of 5),
the doctor's calls per demo scenario, the mock's memory under 10,000 hostile requests, and the
whole test suite's duration.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import lighthouse, weight
from bench.site import BuildError, build_site, project_dir, serve
from kraken_doctor.links import find_error, page_path

SECTIONS = ("build", "weight", "lighthouse", "doctor", "mock", "tests")
GUIDE = page_path(find_error("EGeneral:Permission denied"))


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *map(line, rows)])


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def bench_build(site: Path, project: Path, runs: int = 2) -> None:
    section("Strict build (`mkdocs build --strict`, a fresh process each time)")
    cache = site.parent / "captures"
    rows = []
    for i in range(runs):
        shutil.rmtree(cache, ignore_errors=True)  # cold: every captured output runs
        cold = build_site(site, project, capture_cache=cache).checked()
        warm = build_site(site, project, capture_cache=cache).checked()  # every one cached
        for kind, build in (("cold capture cache", cold), ("warm capture cache", warm)):
            per_page = build.seconds_per_page * 1000
            rows.append((f"{kind}, run {i + 1}", f"{build.seconds:.2f} s", f"{per_page:.0f} ms"))
    print(table(("build", "wall", "per page"), rows))
    print(f"{cold.pages} pages; load average before the last run: {load()}")
    guide = site / GUIDE / "index.html"
    data = guide.read_bytes()
    print(
        f"/{GUIDE} HTML: {len(data):,} bytes ({kib(len(data))}; "
        f"{kib(len(gzip.compress(data, 6, mtime=0)))} gzipped), "
        f"{len(re.findall(rb'<[a-zA-Z]', data)):,} elements in the source"
    )


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def bench_weight(url: str) -> None:
    section(
        f"What a first visit to /{GUIDE} downloads (chromium, empty cache, gzip as on GitHub Pages)"
    )
    w = weight.measure(url + GUIDE)
    print(f"DOM after load: {w.dom_elements:,} elements")
    rows = [
        (kind, str(w.requests[kind]), kib(w.transferred[kind]), kib(w.decoded[kind]))
        for kind in weight.KINDS  # every kind, even at 0: "no fonts" is a figure too
    ]
    rows.append(
        ("total", str(sum(w.requests.values())), kib(w.total_transferred), kib(w.total_decoded))
    )
    print(table(("kind", "requests", "transferred", "decoded"), rows))
    print("files:")
    for kind, name, sent, size in sorted(w.files, key=lambda f: -f[2]):
        print(f"  {kib(sent):>10}  {kib(size):>10}  {kind:<12}  {name}")


def bench_lighthouse(url: str, project: Path, runs: int) -> None:
    section(f"Lighthouse on /{GUIDE} (mobile, median of {runs} runs)")
    lh = lighthouse.run(project, url + GUIDE, runs=runs)
    rows = [
        (cat, f"{lh.median_score(cat):.0f}", " ".join(f"{s:.0f}" for s in lh.scores[cat]))
        for cat in lighthouse.CATEGORIES
    ]
    print(table(("category", "median", "runs"), rows))
    rows = []
    for audit, title in lighthouse.METRICS.items():
        value = lh.median_metric(audit)
        unit = lh.units[audit]
        shown = {"unitless": f"{value:.3f}", "millisecond": f"{value:.0f} ms"}.get(
            unit, f"{value:.0f}"
        )
        rows.append((title, shown))
    print(table(("metric (median)", "value"), rows))
    print(f"Lighthouse {lh.version}; below 100 in the last run:")
    for title, found in lh.shortfalls.items() or {"(nothing)": ""}.items():
        print(f"  {title}" + (f": {found}" if found else ""))


def bench_doctor() -> None:
    section("The doctor against the mock: calls and time per scenario")
    try:
        from bench.doctor import bench, format_table
    except ImportError as exc:
        print(f"MISSING: bench.doctor is not available ({exc})")
        return
    print(format_table(bench()), end="")


def bench_mock() -> None:
    from bench import mock_memory

    section(
        f"The mock under {mock_memory.REQUESTS:,} hostile requests (its own process, 127.0.0.1)"
    )
    print(mock_memory.report(), end="")


def bench_tests(project: Path) -> None:
    section("The test suite (`make test` with the venv set up: lint, every test, coverage)")
    started = time.perf_counter()
    proc = subprocess.run(["make", "-s", "test"], cwd=project, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", proc.stdout, re.MULTILINE)
    print(f"{seconds:.0f} s wall: {summary[-1] if summary else proc.stdout[-500:]}")
    if proc.returncode != 0:
        print(f"(make test exited {proc.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma list of {SECTIONS}")
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs (median)")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    if unknown := wanted - set(SECTIONS):
        parser.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; use {SECTIONS}")
    try:
        project = project_dir()
        with tempfile.TemporaryDirectory(prefix="kd-bench-") as tmp:
            site = Path(tmp) / "site"
            if wanted & {"build", "weight", "lighthouse"}:
                bench_build(site, project)
            if wanted & {"weight", "lighthouse"}:
                with serve(site, compress=True) as url:
                    if "weight" in wanted:
                        bench_weight(url)
                    if "lighthouse" in wanted:
                        bench_lighthouse(url, project, args.runs)
        if "doctor" in wanted:
            bench_doctor()
        if "mock" in wanted:
            bench_mock()
        if "tests" in wanted:
            bench_tests(project)
    except (BuildError, lighthouse.LighthouseMissing) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
