"""Lighthouse 12 on the built site: home, one operator guide and after-care, every language.

Usage::

    python bench/lighthouse.py [--pages azercell/,aftercare/] [--langs en,ru] [--runs 3]
                               [--cpu-slowdown 4] [--json out.json]

It builds the site into a temporary folder, serves it with the app (WhiteNoise in front of
Flask, as in production) on a threaded wsgiref server on 127.0.0.1, and runs the pinned
Lighthouse from ``bench/lighthouse/`` (``npm ci`` there on first use) with Debian's
Chromium (``CHROME_PATH``, default ``/usr/bin/chromium``) under Lighthouse's default mobile
settings (Moto G Power emulation, simulated slow 4G). Each page is measured ``--runs``
times (default 3) and the median run is reported, chosen as Lighthouse itself chooses it
(closest to the median First Contentful Paint and Time to Interactive), because one run's
performance score varies by a few points (Lighthouse's docs/variability.md). It prints the
four category scores of that run, the lowest and highest performance score of all runs,
the median run's Total Blocking Time and the transfer size per page, then the machine's
benchmark index (Lighthouse's measure of CPU speed; scores depend on it) and every audit
that kept a median run below 100.

Lighthouse slows the CPU down 4× in its simulation whatever the machine, so a slower machine
gives lower scores. ``--cpu-slowdown`` shows on a fast machine what a slower one would give:
4 × (this machine's benchmark index / the other's).
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

from webapp import i18n  # noqa: E402

LIGHTHOUSE_DIR = os.path.join(HERE, "lighthouse")
LIGHTHOUSE_CLI = os.path.join(LIGHTHOUSE_DIR, "node_modules", "lighthouse", "cli", "index.js")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
LANGS = tuple(i18n.LANGUAGES)
PAGES = ("", "azercell/", "aftercare/")  # home, one operator guide, after-care


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(app) -> tuple[WSGIServer, str]:
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def ensure_lighthouse() -> None:
    if not os.path.exists(LIGHTHOUSE_CLI):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def lighthouse(
    url: str, chrome: str, cpu_slowdown: float | None = None, attempts: int = 3
) -> dict:
    """One Lighthouse report (lhr); a failed trace (NO_NAVSTART, NO_FCP…) is run again."""
    env = {**os.environ, "CHROME_PATH": chrome}
    command = [
        "node",
        LIGHTHOUSE_CLI,
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown:g}")
    for _ in range(attempts):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            lhr = json.loads(result.stdout)
            if not lhr.get("runtimeError"):
                return lhr
    raise RuntimeError(f"lighthouse failed {attempts} times for {url}:\n{result.stderr[-2000:]}")


def median_run(runs: list[dict]) -> dict:
    """The run closest to the median FCP and median TTI, as Lighthouse's own
    ``computeMedianRun`` picks it (core/lib/median-run.js; docs/variability.md)."""

    def value(lhr: dict, audit: str) -> float:
        return lhr["audits"][audit]["numericValue"]

    fcp = statistics.median(value(r, "first-contentful-paint") for r in runs)
    tti = statistics.median(value(r, "interactive") for r in runs)
    return min(
        runs,
        key=lambda r: (
            (fcp - value(r, "first-contentful-paint")) ** 2 + (tti - value(r, "interactive")) ** 2,
            value(r, "interactive"),
        ),
    )


def culprits(audit: dict, limit: int = 4) -> list[str]:
    """What an audit blames: elements (selector and snippet), URLs or sources, shortened."""
    found = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        node = item.get("node") or {}
        text = node.get("selector") or item.get("url") or item.get("source") or ""
        if isinstance(text, dict):
            text = text.get("url", "")
        snippet = (node.get("snippet") or "")[:90]
        extra = (node.get("explanation") or item.get("explanation") or "").split("\n")[0][:140]
        found.append(" ".join(part for part in (str(text), snippet, extra) if part))
    return found


def summary(lhr: dict) -> dict:
    """Scores (0-100), transfer size and what cost points, from one report."""
    scores = {c: round(100 * (lhr["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = lhr["audits"]
    losses = []
    for category in CATEGORIES:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                losses.append(
                    f"{category}: {ref['id']} ({audit['score']:.2f})"
                    f" {audit.get('displayValue', '')}".rstrip()
                )
                losses += [f"{category}: {ref['id']}:   {item}" for item in culprits(audit)]
    for audit_id in ("errors-in-console", "is-on-https", "redirects-http", "inspector-issues"):
        audit = audits.get(audit_id)
        if audit and audit["score"] is not None and audit["score"] < 1:
            losses.append(f"note: {audit_id}: {audit['title']}")
    return {
        "scores": scores,
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "losses": sorted(set(losses)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help="page paths under the language, comma-separated ('' = home)",
    )
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument(
        "--public-url",
        default="https://simexit.example",
        help="PUBLIC_URL for the build (absolute hreflang/canonical links)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="Lighthouse runs per page; the median run is reported (default 3)",
    )
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        metavar="N",
        help="Lighthouse's simulated CPU slowdown (its default: 4); more "
        "emulates a slower machine",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the summaries as JSON")
    args = parser.parse_args(argv)
    if args.cpu_slowdown is not None and args.cpu_slowdown < 1:
        parser.error("--cpu-slowdown must be at least 1")
    ensure_lighthouse()

    from webapp import create_app

    with tempfile.TemporaryDirectory(prefix="simexit-lh-") as tmp:
        app = create_app(
            {
                "BUILD_DIR": os.path.join(tmp, "build"),
                "BUILD_ON_START": True,
                "INSTANCE_PATH": os.path.join(tmp, "instance"),
                "PUBLIC_URL": args.public_url,
                "DATABASE_URL": f"sqlite:///{os.path.join(tmp, 'db.sqlite3')}",
            }
        )
        server, origin = serve(app)
        results = {}
        try:
            print(
                f"{'page':28} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} "
                f"{'perf range':>10} {'TBT ms':>6} {'KiB':>7}"
            )
            speed = []  # Lighthouse's benchmark index of this machine, one per run
            for lang in args.langs.split(","):
                for page in args.pages.split(","):
                    path = f"/{lang}/{page}"
                    runs = [
                        lighthouse(origin + path, args.chrome, args.cpu_slowdown)
                        for _ in range(args.runs)
                    ]
                    speed += [r["environment"]["benchmarkIndex"] for r in runs]
                    slowdown = runs[0]["configSettings"]["throttling"]["cpuSlowdownMultiplier"]
                    results[path] = result = summary(median_run(runs))
                    perf = sorted(
                        round(100 * r["categories"]["performance"]["score"]) for r in runs
                    )
                    result["performance_runs"] = perf
                    s = result["scores"]
                    print(
                        f"{path:28} {s['performance']:4} {s['accessibility']:4} "
                        f"{s['best-practices']:4} {s['seo']:4} "
                        f"{f'{perf[0]}-{perf[-1]}':>10} {result['tbt_ms']:6} "
                        f"{result['bytes'] / 1024:7.1f}",
                        flush=True,
                    )
        finally:
            server.shutdown()
    if speed:
        print(
            f"\nBenchmark index of this machine (higher is faster): "
            f"{min(speed):.0f}-{max(speed):.0f}, median {statistics.median(speed):.0f}; "
            f"simulated CPU slowdown {slowdown:g}×"
        )
    print("\nWhat cost points:")
    for path, result in results.items():
        for loss in result["losses"]:
            print(f"  {path}: {loss}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    below = [p for p, r in results.items() if min(r["scores"].values()) < 100]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
