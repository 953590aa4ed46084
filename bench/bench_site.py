"""Print the site's size and build-time figures against the budgets (not a test).

Budgets (issue 2): a guide page's HTML+CSS+JS <= 30 KB compressed; one language's
whole precache <= 150 KB compressed; a build of all languages <= 5 s.
Run: .venv/bin/python bench/bench_site.py
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time

import brotli

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from webapp import build, create_app  # noqa: E402

PAGE_BUDGET, PRECACHE_BUDGET, BUILD_BUDGET = 30 * 1024, 150 * 1024, 5.0


def sizes(data: bytes) -> tuple[int, int]:
    return len(gzip.compress(data, 9, mtime=0)), len(brotli.compress(data))


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="simexit-bench-")
    out = os.path.join(tmp, "build")
    app = create_app(
        {
            "BUILD_DIR": out,
            "BUILD_ON_START": False,
            "INSTANCE_PATH": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        }
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        precache = build.build_site(app, out)
        times.append(time.perf_counter() - start)

    def read(url):
        path = os.path.join(out, url.lstrip("/"))
        with open(os.path.join(path, "index.html") if url.endswith("/") else path, "rb") as f:
            return f.read()

    css_js = [
        e["url"]
        for e in precache["shared"]
        if e["url"].endswith((".css", ".js")) and "print" not in e["url"]
    ]
    common = sum(sizes(read(u))[0] for u in css_js), sum(sizes(read(u))[1] for u in css_js)
    print(
        f"build, all {len(precache['langs'])} languages: median {statistics.median(times):.2f} s "
        f"(budget {BUILD_BUDGET:.0f} s)"
    )
    worst = 0
    for lang, entries in precache["langs"].items():
        for entry in entries:
            if entry["url"].endswith("/"):
                gz, br = sizes(read(entry["url"]))
                worst = max(worst, gz + common[0])
                print(
                    f"  page {entry['url']:<24} HTML+CSS+JS gzip {(gz + common[0]) / 1024:5.1f} KB"
                    f"  brotli {(br + common[1]) / 1024:5.1f} KB"
                )
        # Every install also saves each language's offline page (precache.js::OFFLINE_PAGES).
        offline = [
            e["url"]
            for other, es in precache["langs"].items()
            if other != lang
            for e in es
            if e["url"] == f"/{other}/offline/"
        ]
        urls = [e["url"] for e in precache["shared"] + entries] + offline
        total = [sizes(read(u)) for u in urls]
        gz, br = sum(t[0] for t in total), sum(t[1] for t in total)
        print(
            f"precache {lang}: {len(urls)} files, gzip {gz / 1024:.1f} KB,"
            f" brotli {br / 1024:.1f} KB"
            f" (budget {PRECACHE_BUDGET // 1024} KB)"
        )
    print(
        f"largest guide page HTML+CSS+JS: gzip {worst / 1024:.1f} KB"
        f" (budget {PAGE_BUDGET // 1024} KB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
