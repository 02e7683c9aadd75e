#!/usr/bin/python3
"""The HTML report and the mock's page, as a person sees them (issue 19).

    check_report.py BUILD_DIR SOURCE_DIR files    the library's report: size, offline, escaping,
                                                  atomic replacement, compare --report
    check_report.py BUILD_DIR SOURCE_DIR report   the report in headless Chromium
    check_report.py BUILD_DIR SOURCE_DIR mock     the mock's page in headless Chromium
    check_report.py BUILD_DIR SOURCE_DIR mock-api the routes the page uses (no browser)
    ... [--docs DIR]                              also write the README's screenshots there

The browser cases drive Debian's `chromium` over the DevTools protocol
(python3-websocket): they load the page, collect console errors and
uncaught exceptions, take a screenshot, crop each chart out of it and count
its coloured pixels (python3-pil). Where Chromium or those modules are
missing they exit 77 (ctest's SKIP_RETURN_CODE) saying what is missing:
never a silent pass.
"""
import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77
BUILD, SRC, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DOCS = sys.argv[sys.argv.index("--docs") + 1] if "--docs" in sys.argv else None
CXOPT = os.path.join(BUILD, "optimizer", "cxopt")
MOCK = os.path.join(BUILD, "mockcxone", "mockcxone")
FAILING_NAME = "fails-on-purpose <b>bold</b> & \"quoted\""


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def failing_scenario(tmp):
    """A scenario with faults that cannot meet its occupancy claim, and a
    name full of HTML, from the library's rate-limit storm."""
    with open(os.path.join(SRC, "scenarios", "rate-limit-storm.json")) as f:
        d = json.load(f)
    d.pop("$schema", None)
    d["name"] = FAILING_NAME
    d["cycles"]["count"] = 16
    d["expect"] = {"minOccupancy": 0.99, "auditPerCycle": True}
    path = os.path.join(tmp, "fails-on-purpose.json")
    with open(path, "w") as f:
        json.dump(d, f)
    return path


def run_report(args, out):
    p = subprocess.run([CXOPT] + args + ["--report", out, "--quiet"], capture_output=True,
                       text=True, timeout=600)
    return p


# ---------------------------------------------------------------- files

def case_files(tmp):
    rep = os.path.join(tmp, "library")
    p = run_report(["run", os.path.join(SRC, "scenarios")], rep)
    if p.returncode not in (0, 1) or not os.path.isfile(os.path.join(rep, "index.html")):
        fail("cxopt run scenarios --report: exit %d\n%s" % (p.returncode, p.stderr))
    size = sum(os.path.getsize(os.path.join(rep, f)) for f in os.listdir(rep))
    pages = [f for f in os.listdir(rep) if f != "index.html"]
    n = len([f for f in os.listdir(os.path.join(SRC, "scenarios"))
             if f.endswith(".json") and f != "schema.json"])
    print("library report: %d pages + index, %d bytes" % (len(pages), size))
    if len(pages) != n:
        fail("expected one page per scenario (%d), found %d" % (n, len(pages)))
    if size >= 5 * 1024 * 1024:
        fail("the library's report is %d bytes, over 5 MB" % size)
    for f in os.listdir(rep):
        text = open(os.path.join(rep, f), encoding="utf-8").read()
        # offline: no script, stylesheet, font or image fetched from anywhere
        for bad in (r"<script", r"<link", r"@import", r"url\(", r"src=", r"https?://(?!www\.w3\.org/2000/svg)"):
            if re.search(bad, text):
                fail("%s: %r would fetch something (the report must work offline)" % (f, bad))
        if f != "index.html" and text.count("<svg") < 6:
            fail("%s: expected 6 charts, found %d" % (f, text.count("<svg")))
    index = open(os.path.join(rep, "index.html"), encoding="utf-8").read()
    for f in pages:
        if 'href="%s"' % f not in index:
            fail("index.html does not link %s" % f)

    # a failing scenario with HTML in its name: escaped, listed first, its check marked
    bad = failing_scenario(tmp)
    rep2 = os.path.join(tmp, "failing")
    p = run_report(["run", bad, os.path.join(SRC, "scenarios", "baseline-20.json")], rep2)
    if p.returncode != 1:
        fail("the failing scenario should exit 1, got %d\n%s" % (p.returncode, p.stderr))
    index = open(os.path.join(rep2, "index.html"), encoding="utf-8").read()
    if "<b>bold</b>" in index or "fails-on-purpose &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" not in index:
        fail("the scenario's name is not HTML-escaped in index.html")
    rows = re.findall(r"<tr( class=\"failed\")?><td><a href=\"([^\"]+)\"", index)
    if not rows or rows[0][0] == "" or "fails-on-purpose" not in rows[0][1]:
        fail("the failing scenario is not the first row of the outcome table: %r" % rows)
    page = open(os.path.join(rep2, rows[0][1]), encoding="utf-8").read()
    if not re.search(r'<tr class="failed"><td>minOccupancy</td><td class="FAIL">FAIL</td>', page):
        fail("the failing page does not mark minOccupancy as failed")
    if 'class="fault"' not in page:
        fail("the failing page shows no fault band (its script throws 429s from cycle 4)")

    # atomic: a report over an older one replaces it whole; a directory that is
    # not a report is refused and left as it was
    before = set(os.listdir(rep2))
    p = run_report(["run", os.path.join(SRC, "scenarios", "baseline-20.json")], rep2)
    after = set(os.listdir(rep2))
    if p.returncode != 0 or len(after) != 2 or after == before:
        fail("rewriting a report: exit %d, files %r" % (p.returncode, sorted(after)))
    mine = os.path.join(tmp, "mine")
    os.mkdir(mine)
    open(os.path.join(mine, "notes.txt"), "w").write("keep me")
    p = run_report(["run", os.path.join(SRC, "scenarios", "baseline-20.json")], mine)
    if p.returncode == 0 or "not a report" not in p.stderr or os.listdir(mine) != ["notes.txt"]:
        fail("a directory holding other files was not refused intact: exit %d, %s, %r"
             % (p.returncode, p.stderr.strip(), os.listdir(mine)))
    leftovers = [f for f in os.listdir(tmp) if ".tmp." in f or ".old." in f]
    if leftovers:
        fail("temporary directories left behind: %r" % leftovers)
    p = run_report(["run", os.path.join(SRC, "scenarios", "baseline-20.json")],
                   os.path.join(tmp, "no", "such", "dir"))
    if p.returncode != 2 or "--report" not in p.stderr:
        fail("a report whose parent does not exist: exit %d, %s" % (p.returncode, p.stderr))

    # compare --report: the policies side by side
    rep3 = os.path.join(tmp, "compare")
    p = run_report(["compare", os.path.join(SRC, "scenarios", "baseline-20.json"),
                    "--policies", "adaptive,vicidial,do-nothing"], rep3)
    if p.returncode not in (0, 1):
        fail("compare --report: exit %d\n%s" % (p.returncode, p.stderr))
    index = open(os.path.join(rep3, "index.html"), encoding="utf-8").read()
    side = index.split("Side by side", 1)
    if len(side) != 2 or side[1].count("<svg") != 18 or "repeat(3,1fr)" not in side[1]:
        fail("compare's index does not show 3 policies' charts side by side")
    for pol in ("adaptive", "vicidial", "do-nothing"):
        if ">%s</a>" % pol not in side[1]:
            fail("compare's index has no column for %s" % pol)
    print("ok: report files (%d bytes for the library)" % size)


# -------------------------------------------------------------- browser

class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, tmp):
        try:
            import websocket  # noqa: F401  (python3-websocket)
            from PIL import Image  # noqa: F401  (python3-pil)
        except ImportError as e:
            print("SKIP: %s (apt-get install python3-websocket python3-pil)" % e)
            sys.exit(SKIP)
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            print("SKIP: no chromium on PATH (apt-get install chromium)")
            sys.exit(SKIP)
        self.profile = os.path.join(tmp, "chromium-profile")
        os.mkdir(self.profile)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--user-data-dir=" + self.profile, "--remote-debugging-port=0",
             "--remote-allow-origins=*", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if self.proc.poll() is not None or time.time() > deadline:
                err = self.proc.stderr.read() if self.proc.poll() is not None else ""
                self.close()
                print("SKIP: chromium did not start here: %s" % err.strip()[-400:])
                sys.exit(SKIP)
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
        page = [t for t in targets if t.get("type") == "page"][0]
        import websocket
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.errors = []
        self.events = []
        for m in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(m)
        self.call("Emulation.setDeviceMetricsOverride",
                  width=1280, height=1000, deviceScaleFactor=1, mobile=False)

    def _event(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Runtime.exceptionThrown":
            self.errors.append("exception: %s" % json.dumps(p.get("exceptionDetails"))[:300])
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.errors.append("console.%s: %s" % (p["type"], json.dumps(p.get("args"))[:300]))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            self.errors.append("log: %s %s" % (p["entry"].get("text"), p["entry"].get("url", "")))
        else:
            self.events.append(m)

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self._event(msg)

    def pump(self, seconds):
        """Handles events for a while (console errors that come later)."""
        end = time.time() + seconds
        self.ws.settimeout(0.2)
        while time.time() < end:
            try:
                self._event(json.loads(self.ws.recv()))
            except Exception:  # a timeout: nothing arrived
                pass
        self.ws.settimeout(30)

    def open(self, url):
        self.events = []
        self.call("Page.navigate", url=url)
        end = time.time() + 30
        while "Page.loadEventFired" not in self.events:
            if time.time() > end:
                fail("%s did not load within 30 s" % url)
            self.pump(0.2)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            fail("evaluating %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        h = self.js("Math.min(document.documentElement.scrollHeight, 6000)")
        self.call("Emulation.setDeviceMetricsOverride",
                  width=1280, height=int(h), deviceScaleFactor=1, mobile=False)
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        with open(path, "wb") as f:
            f.write(data)
        self.call("Emulation.setDeviceMetricsOverride",
                  width=1280, height=1000, deviceScaleFactor=1, mobile=False)
        return data

    def click(self, x, y):
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=t, x=x, y=y, button="left", clickCount=1)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def coloured_pixels(png, rect):
    """Pixels in rect that are a colour (a series, a mark, a band), not the
    white, grey or black of the background, grid and text."""
    from PIL import Image
    img = Image.open(io.BytesIO(png)).convert("RGB")
    x, y, w, h = (int(round(v)) for v in (rect["x"], rect["y"], rect["w"], rect["h"]))
    box = img.crop((x, y, x + w, y + h))
    return sum(1 for (r, g, b) in box.getdata() if max(r, g, b) - min(r, g, b) > 60)


CHART_RECTS = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
  const r = s.getBoundingClientRect(); return {x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height};
}))"""


def check_charts(b, png, where, minimum):
    rects = json.loads(b.js(CHART_RECTS))
    if len(rects) < minimum:
        fail("%s: %d charts, expected at least %d" % (where, len(rects), minimum))
    for i, r in enumerate(rects):
        n = coloured_pixels(png, r)
        if n < 150:
            fail("%s: chart %d (%dx%d at %d,%d) is blank: %d coloured pixels"
                 % (where, i, r["w"], r["h"], r["x"], r["y"], n))
    return rects


def small_copy(src, dst, width=900):
    from PIL import Image
    img = Image.open(src).convert("RGB")
    if img.width > width:
        img = img.resize((width, int(img.height * width / img.width)), Image.LANCZOS)
    img = img.crop((0, 0, img.width, min(img.height, 1100)))
    img = img.quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    img.save(dst, optimize=True)
    print("wrote %s (%d bytes)" % (dst, os.path.getsize(dst)))


def case_report(tmp):
    b = Browser(tmp)
    try:
        bad = failing_scenario(tmp)
        rep = os.path.join(tmp, "rep")
        p = run_report(["run", bad, os.path.join(SRC, "scenarios", "rate-limit-storm.json")], rep)
        if p.returncode != 1:
            fail("expected exit 1 from the failing scenario, got %d\n%s" % (p.returncode, p.stderr))
        b.open("file://" + os.path.join(rep, "index.html"))
        b.pump(0.5)
        shot = os.path.join(tmp, "report-index.png")
        b.screenshot(shot)
        first = b.js("document.querySelector('table.outcomes tr.failed a').textContent")
        if first != FAILING_NAME:
            fail("the index's first failed row names %r" % first)
        href = b.js("document.querySelector('table.outcomes tr.failed a').href")
        b.open(href)
        b.pump(0.5)
        shot = os.path.join(tmp, "report-failing.png")
        png = b.screenshot(shot)
        rects = check_charts(b, png, "the failing scenario's page", 6)
        failed = b.js("[...document.querySelectorAll('table.checks tr.failed')].map(t => t.innerText)")
        if not failed or "minOccupancy" not in failed[0] or "FAIL" not in failed[0]:
            fail("the failing page does not show the failed expectation: %r" % failed)
        if b.js("document.querySelectorAll('h1 b').length") != 0:
            fail("the scenario's name became markup")
        note = b.js("[...document.querySelectorAll('svg.chart text.failed-expectation')]"
                    ".map(t => t.textContent).join('|')")
        if "minOccupancy" not in (note or ""):
            fail("the occupancy chart does not mark the failed expectation: %r" % note)
        bands = b.js("document.querySelectorAll('svg.chart rect.fault').length")
        if not bands:
            fail("no fault band drawn")
        # the window chart: the same page for a passing scenario, as the README shows it
        b.open("file://" + os.path.join(rep, "index.html"))
        href = b.js("document.querySelector('table.outcomes tr:not(.failed) a[href]').href")
        b.open(href)
        b.pump(0.3)
        png = b.screenshot(os.path.join(tmp, "report.png"))
        check_charts(b, png, "rate-limit-storm's page", 6)
        if b.errors:
            fail("console errors: %r" % b.errors)
        print("ok: report in Chromium: %d charts not blank, failed expectation shown, "
              "%d fault bands, no console errors" % (len(rects), bands))
        if DOCS:
            small_copy(os.path.join(tmp, "report.png"), os.path.join(DOCS, "report.png"))
    finally:
        b.close()


def faults_enabled(port):
    d = json.load(urllib.request.urlopen("http://127.0.0.1:%d/__admin/faults" % port))
    return [f.get("enabled") for f in d["faults"]]


def case_mock(tmp):
    b = Browser(tmp)
    mock = subprocess.Popen([MOCK, "--port", "0", "--faults",
                             os.path.join(SRC, "mockcxone", "examples", "faults.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = mock.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            fail("mockcxone did not say where it listens: %r" % line)
        port = int(m.group(1))
        # some traffic, so the journal has entries and a fault fires
        tok = json.load(urllib.request.urlopen(urllib.request.Request(
            "http://127.0.0.1:%d/auth/token" % port,
            data=b"grant_type=client_credentials&client_id=cxopt-dev&client_secret=cxopt-dev-secret")))
        for _ in range(8):
            try:
                urllib.request.urlopen(urllib.request.Request(
                    "http://127.0.0.1:%d/api/v2/campaigns/c-1001" % port,
                    headers={"Authorization": "Bearer " + tok["access_token"]}), timeout=5)
            except Exception:  # the faults are doing their job
                pass
        b.open("http://127.0.0.1:%d/__admin/" % port)
        b.pump(4.5)  # a few polls: the chart gets points
        if faults_enabled(port)[1] is not True:
            fail("rule 1 should start enabled")
        rect = json.loads(b.js("""JSON.stringify((() => { const r =
            document.getElementById('fault-1').getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })())"""))
        b.call("Runtime.evaluate", expression="document.getElementById('fault-1').scrollIntoView()")
        rect = json.loads(b.js("""JSON.stringify((() => { const r =
            document.getElementById('fault-1').getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })())"""))
        b.click(rect["x"], rect["y"])
        end = time.time() + 5
        while faults_enabled(port)[1] is not False:
            if time.time() > end:
                fail("clicking rule 1's switch did not turn it off in GET /__admin/faults: %r"
                     % faults_enabled(port))
            b.pump(0.2)
        if faults_enabled(port).count(False) != 1:
            fail("more than the one rule switched: %r" % faults_enabled(port))
        b.pump(40 if DOCS else 1.5)  # the README's picture: the chart with some history
        b.call("Runtime.evaluate", expression="window.scrollTo(0, 0)")
        png = b.screenshot(os.path.join(tmp, "mock-page.png"))
        check_charts(b, png, "the mock's page", 1)
        fault_rows = b.js("document.querySelectorAll('#journal tr.fault-row').length")
        if not fault_rows:
            fail("the journal's tail shows no fault that fired")
        version = b.js("document.querySelector('#campaign-c-1001 table').innerText")
        if "version" not in version or "answerRate" not in version:
            fail("the campaign's settings and version are not shown: %r" % version)
        if b.errors:
            fail("console errors: %r" % b.errors)
        print("ok: mock page in Chromium: chart not blank, %d faulted journal rows, "
              "a click switched rule 1 off in GET /__admin/faults, no console errors" % fault_rows)
        if DOCS:
            small_copy(os.path.join(tmp, "mock-page.png"), os.path.join(DOCS, "mock-page.png"))
    finally:
        b.close()
        mock.terminate()
        mock.wait(10)


def case_mock_api(tmp):
    """The routes the page uses, without a browser: a switched-off rule
    matches nothing and keeps its counts; bad requests are named."""
    mock = subprocess.Popen([MOCK, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)", mock.stdout.readline()).group(1))
        base = "http://127.0.0.1:%d" % port

        def req(method, path, body=None):
            r = urllib.request.Request(base + path, method=method,
                                       data=json.dumps(body).encode() if body is not None else None)
            try:
                with urllib.request.urlopen(r, timeout=10) as resp:
                    return resp.status, resp.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode()

        st, _ = req("POST", "/__admin/faults", {"faults": [{"path": "/api/**", "status": 503}]})
        if st != 200 or req("GET", "/api/v2/campaigns/c-1001")[0] != 503:
            fail("the 503 rule does not fire to begin with")
        st, body = req("PUT", "/__admin/faults/0/enabled", {"enabled": False})
        if st != 200 or json.loads(body)["faults"][0]["enabled"] is not False:
            fail("switching rule 0 off: %d %s" % (st, body))
        if req("GET", "/api/v2/campaigns/c-1001")[0] != 401:
            fail("a rule switched off still fires")
        rule = json.loads(req("GET", "/__admin/faults")[1])["faults"][0]
        if rule["fired"] != 1 or rule["enabled"] is not False:
            fail("the switched-off rule lost its counts or its state: %r" % rule)
        req("PUT", "/__admin/faults/0/enabled", {"enabled": True})
        if req("GET", "/api/v2/campaigns/c-1001")[0] != 503:
            fail("a rule switched back on does not fire")
        for path, body, want, words in (
                ("/__admin/faults/7/enabled", {"enabled": False}, 404, "no fault rule 7"),
                ("/__admin/faults/x/enabled", {"enabled": False}, 404, "no fault rule"),
                ("/__admin/faults/0/enabled", {"enabled": "no"}, 400, "enabled")):
            st, text = req("PUT", path, body)
            if st != want or words not in text:
                fail("PUT %s %r: %d %s (expected %d naming %r)" % (path, body, st, text, want, words))
        st, text = req("GET", "/__admin/campaigns")
        c = json.loads(text)["campaigns"][0]
        if st != 200 or c["id"] != "c-1001" or "version" not in c or "window" not in c["stats"]:
            fail("GET /__admin/campaigns: %d %s" % (st, text[:300]))
        st, text = req("GET", "/__admin/")
        if st != 200 or "<script>" not in text or re.search(r"(src|href)=\"https?:", text):
            fail("GET /__admin/: %d, or it fetches from elsewhere" % st)
        print("ok: the mock page's routes")
    finally:
        mock.terminate()
        mock.wait(10)


def main():
    keep = os.environ.get("CX_REPORT_KEEP")  # a directory to keep the screenshots in
    tmp = tempfile.mkdtemp(prefix="cx-report-")
    try:
        {"files": case_files, "report": case_report, "mock": case_mock,
         "mock-api": case_mock_api}[CASE](tmp)
    finally:
        if keep:
            for f in os.listdir(tmp):
                if f.endswith(".png"):
                    shutil.copy(os.path.join(tmp, f), keep)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
