#!/usr/bin/env python3
"""Check an HTML report in headless Chromium, driven over W3C WebDriver.

usage: check.py [options] FILE.html
       check.py --probe

For each window size (default 1280x2000, then the phone size 390x844) the
page is loaded from its file:// URL and, once document.readyState is
"complete" (polled, never timed), these are checked:

  console   the browser log has no SEVERE entry (a script error, a
            resource that failed to load, ...);
  requests  the page fetched nothing but itself (the performance log's
            network events and performance.getEntriesByType('resource'));
            data: URLs are part of the file and do not count;
  blank     the screenshot has more than one colour, and at least
            --min-ink of its pixels differ from the most common colour;
  svgs      with --svgs N, the number of charts (elements matching
            --selector, by default top-level <svg>) is N, each with a
            non-zero size;
  scripts   with --no-scripts, the page has no <script> element;
  width     at a phone size (narrower than 600 px), the page does not
            scroll sideways.

Options:
  --svgs N            expected number of charts
  --selector CSS      what a chart is (default "svg:not(svg svg)")
  --size WxH          a window size; repeatable (replaces the defaults)
  --screenshot PNG    save the screenshot of the first size to PNG
  --full-page         ... of the whole page, not the window (for docs/)
  --min-ink F         least fraction of non-background pixels (default 0.01)
  --no-scripts        fail if the page has a <script> element
  --timeout S         bound on each wait: start-up, load (default 120)

Prints one line per check: "PASS what: detail" or "FAIL what: detail".
Exit status: 0 every check passed; 1 a check failed (or the browser could
not be started although it is installed); 2 usage; 77 the check cannot run
here (no chromium or chromedriver), with a line "SKIP reason". --probe
only answers whether the check can run (0 or 77).

Standard library only: the WebDriver client is urllib, the PNG decoder zlib.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter

SKIP = 77
DEFAULT_SIZES = [(1280, 2000), (390, 844)]
PHONE_WIDTH = 600  # narrower than this, a size is a phone's
MAX_PAGE = 8000  # the tallest --full-page screenshot, in px
POLL = 0.25  # seconds between two looks at something we wait for
# chromedriver is on this machine: never through an http_proxy.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failed(Exception):
    """The check ran and something is wrong with the browser, not the page."""


# --- finding the browser --------------------------------------------------


def find_tools():
    """(chromium, chromedriver) paths, or raise SystemExit(SKIP) saying why."""
    chromium = os.environ.get("CHROMIUM") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    missing = []
    if not chromium:
        missing.append("chromium")
    if not driver:
        missing.append("chromedriver (Debian package chromium-driver)")
    if missing:
        print("SKIP no %s: install with sh tools/deps.sh --browser" % " and no ".join(missing))
        sys.exit(SKIP)
    return chromium, driver


# --- a WebDriver client ---------------------------------------------------


class Driver:
    """chromedriver in its own process group, and one session on it."""

    def __init__(self, driver, timeout, workdir):
        """Start chromedriver; close() must follow, whatever happens."""
        self.timeout = timeout
        self.session = None
        self.log = open(os.path.join(workdir, "chromedriver.log"), "w+b")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # A group of its own, so that closing kills Chromium with it even if
        # the session never started.
        self.proc = subprocess.Popen(
            [driver, "--port=%d" % self.port],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, chromium, workdir):
        """Wait for chromedriver, then open a session on headless Chromium."""
        timeout = self.timeout
        self.wait_ready()
        caps = {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": timeout * 1000, "script": timeout * 1000},
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--window-size=1280,2000",
                    "--no-first-run", "--disable-extensions", "--disable-sync",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-default-apps", "--disable-crash-reporter",
                    "--user-data-dir=" + os.path.join(workdir, "profile"),
                ],
                "perfLoggingPrefs": {"enableNetwork": True, "enablePage": False},
            },
        }
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        self.session = value["sessionId"]

    def tail(self):
        self.log.flush()
        self.log.seek(0)
        lines = self.log.read().decode("utf-8", "replace").splitlines()
        return " | ".join(lines[-5:])

    def wait_ready(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failed("chromedriver exited with status %d: %s"
                             % (self.proc.returncode, self.tail()))
            try:
                if self.call("GET", "/status", timeout=5).get("ready"):
                    return
            except (OSError, Failed):
                pass
            time.sleep(POLL)
        raise Failed("chromedriver was not ready within %d s" % self.timeout)

    def call(self, method, path, body=None, timeout=None):
        """The value of a WebDriver command; Failed with its error if any."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with LOCAL.open(req, timeout=timeout or self.timeout + 30) as r:
                reply = json.load(r)
        except urllib.error.HTTPError as e:
            try:
                value = json.load(e).get("value", {})
                why = "%s: %s" % (value.get("error"), value.get("message", "").splitlines()[0])
            except (ValueError, AttributeError, IndexError):
                why = str(e)
            raise Failed("WebDriver %s %s: %s" % (method, path, why)) from None
        return reply.get("value")

    def cmd(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def cdp(self, command, params):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def logs(self, kind):
        return self.cmd("POST", "/se/log", {"type": kind})

    def close(self):
        try:
            if self.session:
                self.call("DELETE", "/session/" + self.session, timeout=30)
        except (OSError, Failed):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


# --- PNG ------------------------------------------------------------------


def png_pixels(png):
    """(width, height, pixels) of an 8-bit RGB or RGBA PNG; pixels is one
    int per pixel (RGBA packed), as an array-like of width * height."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(png):
        n = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            head = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height = int.from_bytes(head[0:4], "big"), int.from_bytes(head[4:8], "big")
    depth, colour, interlace = head[8], head[9], head[12]
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("PNG of depth %d, colour type %d, interlace %d: not decoded"
                         % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = bytearray(stride * height)
    prev = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter(raw[start], raw[start + 1:start + 1 + stride], prev, bpp)
        out[y * stride:(y + 1) * stride] = row
        prev = row
    if bpp == 3:
        rgba = bytearray(width * height * 4)
        for c in range(3):
            rgba[c::4] = out[c::3]
        rgba[3::4] = b"\xff" * (width * height)
        out = rgba
    return width, height, memoryview(bytes(out)).cast("I")


def add_bytes(a, b):
    """a + b byte by byte, modulo 256, without a Python loop."""
    n = len(a)
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    low = int.from_bytes(b"\x7f" * n, "big")
    high = int.from_bytes(b"\x80" * n, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def unfilter(kind, row, prev, bpp):
    """One scanline with its PNG filter undone."""
    if kind == 0:
        return bytes(row)
    if kind == 2:
        return add_bytes(row, prev)
    out = bytearray(row)
    n = len(out)
    if kind == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 255
    elif kind == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 255
    elif kind == 4:
        for i in range(n):
            a = out[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[i] = (out[i] + pred) & 255
    else:
        raise ValueError("PNG filter type %d" % kind)
    return bytes(out)


# --- the checks -----------------------------------------------------------


class Report:
    def __init__(self):
        self.failed = 0

    def __call__(self, ok, what, detail):
        print("%s %s: %s" % ("PASS" if ok else "FAIL", what, detail), flush=True)
        if not ok:
            self.failed += 1


READY_JS = "return document.readyState === 'complete' && " \
           "(!document.fonts || document.fonts.status === 'loaded');"

# Two animation frames, so that what was laid out is painted.
FRAMES_JS = "const done = arguments[0];" \
            "requestAnimationFrame(() => requestAnimationFrame(() => done(1)));"

FACTS_JS = """
const charts = Array.from(document.querySelectorAll(arguments[0]));
return {
  charts: charts.length,
  empty: charts.filter(e => { const r = e.getBoundingClientRect();
                              return !(r.width > 0 && r.height > 0); }).length,
  scripts: document.scripts.length,
  resources: performance.getEntriesByType('resource').map(e => e.name),
  width: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
  url: location.href,
};
"""


def wait_loaded(drv, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if drv.js(READY_JS):
            drv.cmd("POST", "/execute/async", {"script": FRAMES_JS, "args": []})
            return True
        time.sleep(POLL)
    return False


def requests_made(perf_log, page_url):
    """(fetched, failed): URLs the page asked for besides itself, and those
    that failed, from the performance log's Network events."""
    fetched, failed, urls = [], [], {}
    for entry in perf_log:
        try:
            msg = json.loads(entry["message"])["message"]
        except (KeyError, ValueError):
            continue
        params = msg.get("params", {})
        if msg.get("method") == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            urls[params.get("requestId")] = url
            if url != page_url and not url.startswith(("data:", "about:")):
                fetched.append(url)
        elif msg.get("method") == "Network.loadingFailed":
            failed.append("%s (%s)" % (urls.get(params.get("requestId"), "?"),
                                       params.get("errorText", "failed")))
    return fetched, failed


def ink(png, min_ink):
    """(ok, detail) of the blank check."""
    width, height, pixels = png_pixels(png)
    counts = Counter(pixels)
    background, most = counts.most_common(1)[0]
    share = 1 - most / (width * height)
    rgb = "#%06x" % (int.from_bytes(background.to_bytes(4, "little")[:3], "big"))
    detail = "%dx%d, %d colours, %.2f%% of pixels differ from the background %s" % (
        width, height, len(counts), 100 * share, rgb)
    if len(counts) == 1:
        return False, "%dx%d, every pixel %s: blank" % (width, height, rgb)
    if share < min_ink:
        return False, detail + " (at least %.1f%% wanted): nearly blank" % (100 * min_ink)
    return True, detail


def check_size(drv, report, url, size, opts, shot_path):
    w, h = size
    tag = "%dx%d" % size
    drv.cdp("Emulation.setDeviceMetricsOverride",
            {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < PHONE_WIDTH})
    drv.logs("browser")  # what an earlier size left
    drv.logs("performance")
    drv.cmd("POST", "/url", {"url": url})
    loaded = wait_loaded(drv, opts["timeout"])
    report(loaded, "load " + tag, "readyState complete" if loaded
           else "not complete within %d s" % opts["timeout"])
    if not loaded:
        return
    facts = drv.js(FACTS_JS, opts["selector"])
    severe = [e.get("message", "") for e in drv.logs("browser") if e.get("level") == "SEVERE"]
    report(not severe, "console " + tag, "no errors" if not severe
           else "%s: %s" % (count(len(severe), "error"), " | ".join(severe[:3])))
    fetched, failed = requests_made(drv.logs("performance"), facts["url"])
    fetched = sorted(set(fetched) | set(facts["resources"]))
    if failed:
        report(False, "requests " + tag, "%s failed: %s" % (
            count(len(failed), "request"), ", ".join(failed[:3])))
    else:
        report(not fetched, "requests " + tag, "none" if not fetched
               else "the page fetched %s: %s" % (count(len(fetched), "file"), ", ".join(fetched[:3])))
    png = base64.b64decode(drv.cmd("GET", "/screenshot"))
    if shot_path:
        save(shot_path, full_page(drv, size) if opts["full_page"] else png)
    try:
        ok, detail = ink(png, opts["min_ink"])
    except ValueError as e:
        ok, detail = False, "screenshot not decoded: %s" % e
    report(ok, "blank " + tag, detail)
    if opts["svgs"] is not None:
        n, empty = facts["charts"], facts["empty"]
        ok = n == opts["svgs"] and empty == 0
        detail = "%d of %r (want %d)" % (n, opts["selector"], opts["svgs"])
        if empty:
            detail += ", %d of them of zero size" % empty
        report(ok, "svgs " + tag, detail)
    if opts["no_scripts"]:
        report(facts["scripts"] == 0, "scripts " + tag, "%d <script> elements" % facts["scripts"])
    if w < PHONE_WIDTH:
        # A phone widens its layout viewport to fit a page that does not
        # fit, or to 980 px without <meta name="viewport">.
        fits = facts["width"] <= facts["viewport"] == w
        report(fits, "width " + tag, "the page is %d px wide, laid out %d px wide on a %d px screen"
               % (facts["width"], facts["viewport"], w))


def count(n, noun):
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def save(path, png):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


def full_page(drv, size):
    """A screenshot of the whole page at this width (up to MAX_PAGE px tall)."""
    # The root element's own height is the content's, not the window's.
    height = min(MAX_PAGE, max(100, drv.js(
        "return Math.ceil(document.documentElement.getBoundingClientRect().height);")))
    drv.cdp("Emulation.setDeviceMetricsOverride", {
        "width": size[0], "height": height, "deviceScaleFactor": 1,
        "mobile": size[0] < PHONE_WIDTH})
    drv.cmd("POST", "/execute/async", {"script": FRAMES_JS, "args": []})
    return base64.b64decode(drv.cmd("GET", "/screenshot"))


# --- command line ---------------------------------------------------------


def usage(msg):
    print("check.py: %s" % msg, file=sys.stderr)
    print("usage: check.py [--svgs N] [--selector CSS] [--size WxH]... [--screenshot PNG]\n"
          "                [--full-page] [--min-ink F] [--no-scripts] [--timeout S] FILE.html\n"
          "       check.py --probe", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    opts = {"svgs": None, "selector": "svg:not(svg svg)", "sizes": [], "screenshot": None,
            "min_ink": 0.01, "no_scripts": False, "full_page": False, "timeout": 120, "probe": False, "file": None}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a in ("--probe", "--no-scripts", "--full-page"):
            opts[a[2:].replace("-", "_")] = True
            continue
        if a in ("--svgs", "--selector", "--size", "--screenshot", "--min-ink", "--timeout"):
            if not args:
                usage("%s wants a value" % a)
            v = args.pop(0)
            try:
                if a == "--svgs":
                    opts["svgs"] = int(v)
                elif a == "--size":
                    w, h = v.lower().split("x")
                    opts["sizes"].append((int(w), int(h)))
                elif a == "--min-ink":
                    opts["min_ink"] = float(v)
                elif a == "--timeout":
                    opts["timeout"] = int(v)
                else:
                    opts[a[2:]] = v
            except ValueError:
                usage("%s %s: not a valid value" % (a, v))
        elif a.startswith("-"):
            usage("unknown option %s" % a)
        elif opts["file"] is None:
            opts["file"] = a
        else:
            usage("one file at a time")
    if not opts["probe"] and opts["file"] is None:
        usage("no file")
    return opts


def main(argv):
    # A TERM unwinds like Ctrl-C does, so that chromedriver and Chromium
    # are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    opts = parse(argv)
    chromium, driver = find_tools()
    if opts["probe"]:
        print("can run: %s, %s" % (chromium, driver))
        return 0
    path = os.path.abspath(opts["file"])
    if not os.path.isfile(path):
        print("FAIL file: %s: no such file" % opts["file"])
        return 1
    url = "file://" + urllib.request.pathname2url(path)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="coinsim-browser.") as workdir:
        drv = Driver(driver, opts["timeout"], workdir)
        try:
            drv.start(chromium, workdir)
            for i, size in enumerate(opts["sizes"] or DEFAULT_SIZES):
                check_size(drv, report, url, size, opts, opts["screenshot"] if i == 0 else None)
        except Failed as e:
            report(False, "browser", str(e))
        finally:
            drv.close()
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
