"""Lighthouse (npm, pinned in bench/package-lock.json) against Debian's chromium.

Lighthouse's default settings are the mobile ones (a mid-range phone, simulated slow 4G).
Scores move from run to run, so it runs several times and the median of each category is
reported, with the median of the timing metrics behind the performance score.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.browser import CHROMIUM_ARGS, chromium_path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "First Contentful Paint",
    "largest-contentful-paint": "Largest Contentful Paint",
    "total-blocking-time": "Total Blocking Time",
    "cumulative-layout-shift": "Cumulative Layout Shift",
    "speed-index": "Speed Index",
    "dom-size": "DOM elements",
}


class LighthouseMissing(RuntimeError):
    pass


@dataclass
class Lighthouse:
    runs: int
    version: str = ""
    scores: dict[str, list[float]] = field(default_factory=dict)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    shortfalls: dict[str, str] = field(default_factory=dict)  # audit title -> what it found

    def median_score(self, category: str) -> float:
        return statistics.median(self.scores[category])

    def median_metric(self, audit: str) -> float:
        return statistics.median(self.metrics[audit])


def cli(project: Path) -> Path:
    path = project / "tools" / "bench" / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not path.is_file():
        raise LighthouseMissing(
            f"{path} is missing: run `npm ci --prefix bench` (`make bench` does it)"
        )
    return path


def _once(project: Path, url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or chromium_path()}
    cmd = [
        "node",
        str(cli(project)),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def run(project: Path, url: str, runs: int = 5) -> Lighthouse:
    result = Lighthouse(runs=runs)
    with tempfile.TemporaryDirectory(prefix="kd-lighthouse-") as tmp:
        for i in range(runs):
            report = _once(project, url, Path(tmp) / f"run{i}.json")
            result.version = report.get("lighthouseVersion", "")
            for cat in CATEGORIES:
                result.scores.setdefault(cat, []).append(report["categories"][cat]["score"] * 100)
            for audit in METRICS:
                data = report["audits"][audit]
                result.metrics.setdefault(audit, []).append(data["numericValue"])
                result.units[audit] = data.get("numericUnit", "")
    # What kept scores below 100 in the last run (the same audits fail in every run).
    for cat in CATEGORIES:
        for ref in report["categories"][cat]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            scored = audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
            if scored and audit.get("score") is not None and audit["score"] < 1:
                result.shortfalls[f"{cat}: {audit['title']}"] = audit.get("displayValue", "")
    return result
