"""Print how steady a guide's height is while it is scrolled, and how tall its header is.

Usage::

    python bench/bench_scroll.py [--langs en,ru] [--pages azercell/,prepare/]
                                 [--viewports 390x844,320x640]

It builds the site into a temporary folder, serves it with the app on 127.0.0.1, and opens
each page in Debian's headless Chromium (``SIMEXIT_CHROMIUM``, default ``/usr/bin/chromium``)
at each viewport, as a phone opens it for the first time (no service worker, scripts on).
Once the page's components have started it notes the header's height and the document's
height on the first screen, then scrolls down a screen at a time, letting the browser render
after each step, to the bottom, noting the document's height after every step.

Parts of a page laid out only when they come near the screen (``content-visibility: auto``)
are as tall as their placeholder until then; a placeholder far from the real height makes
the page grow or shrink while it is read, and the scrollbar and a flick-scroll jump. The
budget (issue 13): the height anywhere on the way down differs from the first screen's by
less than 5 %. Printed per page: the header's height, the height at the first screen, at the
bottom, the change in %, and the largest change seen on the way (%).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]  # tests/chromium.py

import chromium  # noqa: E402
from lighthouse import serve  # noqa: E402  (bench/lighthouse.py: the same threaded server)

#: The pages with steps (each laid out lazily below the first screen) and the reminder form.
PAGES = ("azercell/", "bakcell/", "nar/", "prepare/", "aftercare/")
VIEWPORTS = ("390x844", "320x640")
BUDGET_PERCENT = 5.0

#: Every component on the page has started (each stamps its root ``data-<module>-init``).
STARTED = """() => Array.from(document.querySelectorAll('[data-module]'))
    .every((el) => el.hasAttribute('data-' + el.dataset.module + '-init'))"""

#: Scroll to the bottom a screen at a time; after each step wait two frames (the browser lays
#: out what came near the screen in the next rendering update) and note the height.
SCROLL_DOWN = """async () => {
    const root = document.documentElement;
    const frames = () => new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await document.fonts.ready;
    await frames();
    const header = document.querySelector('.site-header');
    const first = root.scrollHeight;
    const heights = [first];
    for (let i = 0; i < 500; i++) {
        const atBottom = scrollY + innerHeight >= root.scrollHeight - 1;
        if (atBottom) {
            await frames();  // whatever came near the screen at the bottom is laid out now
            heights.push(root.scrollHeight);
            if (scrollY + innerHeight >= root.scrollHeight - 1) { break; }
        }
        window.scrollTo(0, scrollY + innerHeight);
        await frames();
        heights.push(root.scrollHeight);
    }
    return {header: header ? header.getBoundingClientRect().height : 0,
            first, bottom: root.scrollHeight, heights};
}"""


def measure(page, url: str) -> dict:
    page.goto(url)
    page.wait_for_function(STARTED)
    found = page.evaluate(SCROLL_DOWN)
    first = found["first"]
    found["change"] = 100 * (found["bottom"] - first) / first
    found["worst"] = max((abs(h - first) for h in found["heights"]), default=0) * 100 / first
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--langs", help="language codes, comma-separated (default: all)")
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help="page paths under the language, comma-separated ('' = home)",
    )
    parser.add_argument(
        "--viewports", default=",".join(VIEWPORTS), help="WIDTHxHEIGHT, comma-separated"
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from webapp import create_app, i18n

    langs = args.langs.split(",") if args.langs else list(i18n.LANGUAGES)
    over = 0
    with tempfile.TemporaryDirectory(prefix="simexit-scroll-") as tmp, sync_playwright() as p:
        app = create_app(
            {
                "BUILD_DIR": os.path.join(tmp, "build"),
                "BUILD_ON_START": True,
                "INSTANCE_PATH": os.path.join(tmp, "instance"),
                "DATABASE_URL": f"sqlite:///{os.path.join(tmp, 'db.sqlite3')}",
            }
        )
        server, origin = serve(app)
        browser = chromium.launch(p)
        try:
            print(
                f"{'viewport':9} {'page':22} {'header px':>9} {'first px':>8} {'bottom px':>9} "
                f"{'change':>7} {'worst':>7}"
            )
            for viewport in args.viewports.split(","):
                width, height = (int(x) for x in viewport.split("x"))
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    service_workers="block",
                    base_url=origin,
                )
                page = context.new_page()
                for lang in langs:
                    for path in args.pages.split(","):
                        url = f"/{lang}/{path}"
                        r = measure(page, url)
                        over += r["worst"] >= BUDGET_PERCENT
                        print(
                            f"{viewport:9} {url:22} {r['header']:9.0f} {r['first']:8} "
                            f"{r['bottom']:9} {r['change']:+6.1f}% {r['worst']:6.1f}%",
                            flush=True,
                        )
                context.close()
        finally:
            browser.close()
            server.shutdown()
    print(
        f"\n{over} page(s) whose height changed by {BUDGET_PERCENT:g} % or more while scrolled "
        f"(budget: less than {BUDGET_PERCENT:g} %)"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
