"""Screenshots of a result's reconciliation.html at 1440x900 and 390x844, for the docs.

    rashomon reconcile seeds/articles/*.txt --out out/            # the embedded model
    python benchmarks/screenshots.py out/reconciliation.json --out docs/img

Writes NAME-1440.png and NAME-390.png (the first screen) and NAME-1440-full.png (the whole
page), where NAME is --name (default "reconciliation"). Takes a reconciliation.json (the page
is rendered from it) or a reconciliation.html. Drives Debian's /usr/bin/chromium through
Playwright with the network off; it never downloads a browser.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SIZES = [(1440, 900), (390, 844)]


def page_file(path: Path, tmp: Path) -> Path:
    if path.suffix.lower() == ".html":
        return path
    from service.render.html import render_html
    from service.schemas import Reconciliation

    rec = Reconciliation.model_validate_json(path.read_text(encoding="utf-8"))
    out = tmp / "reconciliation.html"
    out.write_text(render_html(rec), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path, help="reconciliation.json or reconciliation.html")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--name", default="reconciliation")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("screenshots: playwright is not installed (pip install playwright)", file=sys.stderr)
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        url = page_file(args.result, Path(tmp)).resolve().as_uri()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route("http*://**", lambda route: route.abort())  # offline, as mailed
                page.goto(url)
                shot = args.out / f"{args.name}-{width}.png"
                page.screenshot(path=str(shot))
                print(f"wrote {shot}")
                if width == SIZES[0][0]:
                    full = args.out / f"{args.name}-{width}-full.png"
                    page.screenshot(path=str(full), full_page=True)
                    print(f"wrote {full}")
                page.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
