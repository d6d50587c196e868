#!/usr/bin/python3
"""The HTML report as a reader gets it: `migflow report` on a real run and a baseline,
then Debian's headless Chromium opens the page from disk, with no network.

    /usr/bin/python3 tests/report_in_browser.py --migflow BUILD/migflow --scenario scenarios/tiny.yaml

Checks: the HTML names no http(s) URL and loads nothing from outside (every image
is a data: URI, no <link>, no external script); in Chromium the page's own script
ran and found every figure decoded (body data-rendered="yes", data-figures = the
number of <figure> elements), the console shows no uncaught script error, and the
screenshot is a page with content (not blank). Prints "N passed, N failed" and exits
1 on any failure. Set KEEP_SCREENSHOT=path to keep the screenshot.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,4000"]


def chromium(args, tmp, timeout=60):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("report_in_browser: chromium is not installed (Debian package `chromium`; "
                         ".ci/install-deps installs it)")
    profile = tempfile.mkdtemp(dir=tmp)
    return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migflow", required=True)
    ap.add_argument("--scenario", required=True)
    a = ap.parse_args()
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        print(("ok:   " if ok else "FAIL: ") + what)
        passed, failed = passed + bool(ok), failed + (not ok)

    with tempfile.TemporaryDirectory(prefix="migflow_report_") as tmp:
        run, base = os.path.join(tmp, "run.h5"), os.path.join(tmp, "base.h5")
        page = os.path.join(tmp, "report.html")
        subprocess.run([a.migflow, "run", a.scenario, "-o", run, "--quiet"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([a.migflow, "run", a.scenario, "-o", base, "--quiet", "--set",
                        "behaviour.lambda_conflict=0.05"], check=True, stdout=subprocess.DEVNULL)
        r = subprocess.run([a.migflow, "report", run, "--baseline", base, "-o", page],
                           capture_output=True, text=True)
        check(r.returncode == 0 and r.stdout.strip() == page, f"migflow report exits 0 and names {page} ({r.stderr.strip()})")
        if r.returncode != 0:
            print(f"{passed} passed, {failed} failed")
            return 1
        text = open(page, encoding="utf-8").read()
        check(re.search(r"https?:", text, re.I) is None, "the HTML names no http(s) URL")
        srcs = re.findall(r"""\bsrc\s*=\s*['"]([^'"]{0,30})""", text)
        check(srcs and all(s.startswith("data:image/png;base64,") for s in srcs),
              f"every src is an embedded PNG ({len(srcs)} images)")
        check("<link" not in text and "@import" not in text and "url(" not in text, "no stylesheet or font is fetched")
        figures = text.count("<figure")
        check(figures >= 5, f"the page has the map, country, camp, movement and difference figures ({figures})")
        for section in ("Camps: which fill up and when", "What changed against the baseline", "Where people went",
                        "Beta–Camp closed", "climate shock in Gamma"):
            check(section.replace("–", "&ndash;") in text or section in text, f"the page shows '{section}'")

        url = "file://" + page
        dom = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", url], tmp)
        check(dom.returncode == 0, f"chromium --dump-dom exits 0 ({dom.returncode})")
        body = re.search(r"<body([^>]*)>", dom.stdout)
        attrs = body.group(1) if body else ""
        check('data-rendered="yes"' in attrs, f"the page's script ran and every figure decoded ({attrs.strip()})")
        check(f'data-figures="{figures}"' in attrs, f"the browser decoded all {figures} figures")
        uncaught = [l for l in dom.stderr.splitlines() if "Uncaught" in l]
        check(not uncaught, "no uncaught script error in the console" + (f": {uncaught[0]}" if uncaught else ""))

        shot = os.path.join(tmp, "report.png")
        s = chromium([f"--screenshot={shot}", url], tmp)
        check(s.returncode == 0 and os.path.exists(shot), "chromium wrote a screenshot")
        if os.path.exists(shot):
            from PIL import Image
            im = Image.open(shot).convert("L")
            w, h = im.size
            dark = sum(1 for p in im.getdata() if p < 128) / (w * h)
            check((w, h) == (1280, 4000), f"screenshot is 1280x4000 ({w}x{h})")
            check(dark > 0.005, f"the screenshot has text and figures ({100 * dark:.1f}% dark pixels)")
            if os.environ.get("KEEP_SCREENSHOT"):
                shutil.copy(shot, os.environ["KEEP_SCREENSHOT"])
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
