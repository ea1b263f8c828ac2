"""The browser test of `vplan preview`: headless Chromium, driven by Selenium, as a person uses it.

Usage: preview-browser-test.py VPLAN_BIN SCREENSHOT.png

Copies content/ to a temporary directory and starts `vplan preview --content TMP/content` in
TMP (a free port, read from the URL it prints; the built-in templates). In Debian's Chromium (/usr/bin/chromium, driven through
Debian's /usr/bin/chromedriver, never one Selenium Manager would fetch) it:

- waits for the pages, in two tabs;
- edits one amount of the driftbudget table (a row its Summa row adds up) and waits for the new
  total, computed here with Decimal and written the Swedish way, to appear in the text layer,
  on a page marked as changed (and no page marked whose SVG is the same), the scroll position
  kept, and in the other tab too;
- clicks that total and reads the source panel: the table file and the Summa row's line, the
  value path, the formula, and the terms (each row's label, value and line); saves a
  screenshot of the page with the panel open to SCREENSHOT.png;
- breaks the file (an unclosed bracket) and waits for the error panel with file:line, the last
  good pages still shown; fixes it and waits for the panel to go and the pages to stay; restores
  the file and waits for the old total;
- stops the server, waits for the page to say offline, saves the edit again, starts the server
  on the same port and waits for the page to be live by itself, showing the edit;
- checks the server's refusals over plain HTTP: a foreign Host and a foreign Origin (403), a
  WebSocket upgrade without or with a foreign Origin (403) and with the page's own (101), paths
  that climb out (404), other methods (405), and no Access-Control-* header on any answer.

Prints each check; exits 1 on the first failure, naming it, with the server's last lines.
CHROMIUM and CHROMEDRIVER override the browser's and the driver's paths.
"""

import base64
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

os.environ["SE_OFFLINE"] = "1"  # Selenium Manager must never go to the network.

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TABLE = "tables/6-4-driftbudget.yaml"  # a table with a Summa row over all its rows
SUM_ROW = "summa"
START_S = 120  # the first document from a debug binary
UPDATE_S = 20  # an edit until its page is shown
PANEL_S = 10  # a click until the source panel shows
DELTAS = ["11.5", "23.7", "7.3", "41.9"]  # added to one amount: the first whose total is new
SEPARATORS = "\u00a0\u202f\u2009 "  # what may group thousands


class Failure(Exception):
    pass


def ok(what):
    print(f"  ok: {what}", flush=True)


def wait_for(what, timeout, probe, interval=0.1):
    """Calls `probe` until it returns something truthy, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as e:  # a page being redrawn: try again
            last_error = e
        if time.monotonic() > deadline:
            extra = f" (last error: {last_error})" if last_error else ""
            raise Failure(f"timed out after {timeout} s waiting for {what}{extra}")
        time.sleep(interval)


# ---------------------------------------------------------------- numbers, the Swedish way


def swedish(value, precision, sep="\u00a0"):
    """`−1 234,5`: grouped thousands, decimal comma, U+2212, rounded half away from zero."""
    q = Decimal(1).scaleb(-precision)
    rounded = abs(value).quantize(q, rounding=ROUND_HALF_UP)
    whole, _, frac = f"{rounded:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sep.join(groups) + ("," + frac if precision > 0 else "")
    return ("\u2212" + text) if value < 0 and rounded != 0 else text


def parse_swedish(text):
    """The Decimal of a Swedish amount as the page writes it."""
    t = text.strip().replace("\u2212", "-")
    for s in SEPARATORS:
        t = t.replace(s, "")
    return Decimal(t.replace(",", "."))


def norm(text):
    """Text with every kind of space as one plain space."""
    return re.sub(f"[{SEPARATORS}]+", " ", text).strip()


# ---------------------------------------------------------------- the table file


ROW_RE = re.compile(
    r"^\s*- \{id: (?P<id>[^,]+), label: (?P<label>\"[^\"]*\"|[^,]+)"
    r"(?:, values: \[(?P<values>[^\]]*)\])?(?P<rest>.*)\}\s*$"
)


def read_table(text):
    """The rows of a table file written one flow map a line: id, label, first value, line."""
    rows = []
    precision = None
    for number, line in enumerate(text.splitlines(), start=1):
        if precision is None:
            m = re.search(r"precision: (\d+)", line)
            precision = int(m.group(1)) if m else None
        m = ROW_RE.match(line)
        if not m:
            continue
        values = m.group("values")
        first = values.split(",")[0].strip() if values else None
        rows.append(
            {
                "id": m.group("id").strip(),
                "label": m.group("label").strip().strip('"'),
                "value": Decimal(first) if first not in (None, "~", "") else None,
                "rest": m.group("rest"),
                "line": number,
            }
        )
    if precision is None:
        raise Failure(f"{TABLE}: no column with a precision")
    return rows, precision


def sum_row(rows):
    for i, row in enumerate(rows):
        if row["id"] == SUM_ROW:
            if "sum: all" not in row["rest"]:
                raise Failure(f"{TABLE}: the test expects row {SUM_ROW} to be `sum: all`")
            return i, row
    raise Failure(f"{TABLE}: no row {SUM_ROW}")


def with_first_value(text, line, old, new):
    """`text` with the first value of the row on `line` (1-based) replaced."""
    lines = text.splitlines(keepends=True)
    before = lines[line - 1]
    after = re.sub(r"values: \[[^,\]]+", f"values: [{new}", before, count=1)
    if after == before or str(old) not in before:
        raise Failure(f"{TABLE}:{line}: could not replace {old} in {before!r}")
    lines[line - 1] = after
    return "".join(lines)


# ---------------------------------------------------------------- the server


class Server:
    """`vplan preview` as a child process, its stderr kept."""

    def __init__(self, vplan, content):
        self.vplan, self.content, self.lines = vplan, content, []
        self.start([])

    def start(self, args):
        self.proc = subprocess.Popen(
            [self.vplan, "preview", "--content", str(self.content)] + args,
            cwd=self.content.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self.first_line = len(self.lines)
        threading.Thread(target=self._drain, args=(self.proc,), daemon=True).start()

    def _drain(self, proc):
        for line in proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def url(self):
        def probe():
            if self.proc.poll() is not None:
                raise Failure(f"vplan preview exited with {self.proc.returncode}")
            for line in self.lines[self.first_line:]:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    return m.group(0), int(m.group(1))
            return None

        return wait_for("the URL on vplan preview's stderr", START_S, probe)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def tail(self, n=30):
        return "\n".join(self.lines[-n:])


# ---------------------------------------------------------------- the browser

# The text layer: `<text class="tl">`, or the `<text>` of a `<g class="tl">`.
TEXT_LAYER = "svg text.tl, svg .tl text"

JS_TEXTS = """
return Array.from(document.querySelectorAll('#pages div.page')).map(p => ({
  page: p.dataset.page,
  changed: p.classList.contains('changed'),
  texts: Array.from(p.querySelectorAll(TEXT_LAYER)).map(t => t.textContent),
}));
"""

def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--disable-gpu", "--window-size=1280,1600",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def pages(driver):
    return driver.execute_script(JS_TEXTS.replace("TEXT_LAYER", repr(TEXT_LAYER)))


def page_text(driver):
    return "\n".join(norm(t) for p in pages(driver) for t in p["texts"])


def visible(driver, css):
    els = driver.find_elements(By.CSS_SELECTOR, css)
    return els and els[0].get_attribute("hidden") is None and els[0].is_displayed()


def open_page(driver, url):
    driver.get(url)
    wait_for("the pages", START_S, lambda: len(pages(driver)) > 0, interval=0.25)
    wait_for(
        "#status to be live", UPDATE_S,
        lambda: driver.find_element(By.ID, "status").get_attribute("data-state") == "live",
    )
    n = len(pages(driver))
    numbers = [p["page"] for p in pages(driver)]
    if numbers != [str(i) for i in range(1, n + 1)]:
        raise Failure(f"div.page[data-page] are not 1..{n}: {numbers}")
    if not page_text(driver).strip():
        raise Failure(f"the pages have no text layer ({TEXT_LAYER})")
    ok(f"{n} pages shown, each an inline SVG with a text layer; #status live")
    return n


# The text layer's elements showing `arguments[0]`, on a page that also shows `arguments[1]` (when
# given), with what the test needs to know of each.
JS_FIND_ON = """
const [want, alsoOnPage] = arguments;
const norm = s => s.replace(/[\\u00a0\\u202f\\u2009 ]+/g, ' ').trim();
const found = [];
for (const p of document.querySelectorAll('#pages div.page')) {
  const texts = Array.from(p.querySelectorAll(TEXT_LAYER));
  if (alsoOnPage && !texts.some(t => norm(t.textContent).includes(alsoOnPage))) continue;
  for (const t of texts) {
    if (norm(t.textContent).includes(want)) {
      found.push({el: t, text: t.textContent, page: p.dataset.page,
                  changed: p.classList.contains('changed')});
    }
  }
}
return {found, version: document.body.dataset.version, scrollY: window.scrollY};
"""


def find_on(driver, text, also_on_page=None):
    script = JS_FIND_ON.replace("TEXT_LAYER", repr(TEXT_LAYER))
    return driver.execute_script(script, norm(text), norm(also_on_page or ""))


def group_separator(text):
    m = re.search(r"\d([^\d,\u2212-])\d{3}(?:\D|$)", text)
    return m.group(1) if m else None


class Edit:
    """The edit of one amount of TABLE, and what the page must show after it."""

    def __init__(self, path, driver):
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        rows, self.precision = read_table(self.original)
        self.sum_index, self.sum = sum_row(rows)
        self.terms = [r for r in rows if r["value"] is not None and r["id"] != SUM_ROW]
        self.row = self.terms[0]
        self.old_total = sum(r["value"] for r in self.terms)
        self.old_text = swedish(self.old_total, self.precision)
        found = find_on(driver, self.old_text, self.row["label"])["found"]
        if not found:
            raise Failure(f"the old total {self.old_text!r} is not in the text layer of a page "
                          f"that shows {self.row['label']!r}")
        self.page = found[0]["page"]
        self.sep = group_separator(found[0]["text"]) or "\u00a0"
        text = page_text(driver)
        for delta in DELTAS:
            self.new_value = self.row["value"] + Decimal(delta)
            self.new_total = self.old_total + Decimal(delta)
            self.new_text = swedish(self.new_total, self.precision, self.sep)
            if norm(self.new_text) not in text:
                break
        else:
            raise Failure(f"every new total tried is in the page already: {DELTAS}")
        self.edited = with_first_value(self.original, self.row["line"], self.row["value"],
                                       self.new_value)
        ok(f"{TABLE}: {self.sum['label']} {self.old_text} found on page {self.page}; "
           f"thousands grouped with U+{ord(self.sep):04X}")

    def term_rows(self):
        return [dict(r, value=self.new_value if r is self.row else r["value"]) for r in self.terms]


# Records every page that gets the class `changed` (the mark lasts ~2 s, which a browser busy
# drawing large pages can nearly spend before a script of the test runs again).
JS_WATCH_CHANGED = """
window.vplanTestChanged = new Set();
window.vplanTestBefore = {};
document.querySelectorAll('#pages div.page').forEach(p => {
  window.vplanTestBefore[p.dataset.page] = p.innerHTML;
});
const note = e => {
  if (e.classList && e.classList.contains('page') && e.classList.contains('changed'))
    window.vplanTestChanged.add(e.dataset.page);
};
new MutationObserver(ms => ms.forEach(m => { note(m.target); m.addedNodes.forEach(note); }))
  .observe(document.getElementById('pages'),
           {attributes: true, attributeFilter: ['class'], childList: true, subtree: true});
"""

# Of the pages marked changed (arguments[0]), those whose SVG is what it was before the edit.
JS_RESENT_UNCHANGED = """
return arguments[0].filter(n => {
  const p = document.querySelector(`#pages div.page[data-page="${n}"]`);
  return p && window.vplanTestBefore[n] === p.innerHTML;
});
"""


def edit_and_wait(driver, edit):
    first = find_on(driver, edit.old_text, edit.row["label"])["found"][0]["el"]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", first)
    time.sleep(0.3)
    driver.execute_script(JS_WATCH_CHANGED)
    before = find_on(driver, edit.old_text)
    started = time.monotonic()
    edit.path.write_text(edit.edited, encoding="utf-8")
    after = wait_for(
        f"the new total {edit.new_text!r} in the text layer", UPDATE_S,
        lambda: (lambda r: r if r["found"] else None)(find_on(driver, edit.new_text)),
    )
    took = time.monotonic() - started
    hit = after["found"][0]
    marked = sorted(driver.execute_script("return Array.from(window.vplanTestChanged)"), key=int)
    if int(after["version"]) <= int(before["version"]):
        raise Failure(f"body data-version did not grow: {before['version']} -> {after['version']}")
    if hit["page"] not in marked:
        raise Failure(f"page {hit['page']} with the new total was not marked .changed "
                      f"(pages marked: {marked})")
    same = driver.execute_script(JS_RESENT_UNCHANGED, marked)
    if same:
        raise Failure(f"pages sent again unchanged (marked changed, the same SVG): {same}")
    if abs(after["scrollY"] - before["scrollY"]) > 2:
        raise Failure(f"the scroll position moved: {before['scrollY']} -> {after['scrollY']}")
    ok(f"{edit.row['label']} {edit.row['value']} -> {edit.new_value} in {TABLE}: "
       f"{edit.sum['label']} {norm(edit.new_text)} shown on page {hit['page']} after {took:.2f} s, "
       f"pages marked changed: {', '.join(marked)}; version {before['version']} -> "
       f"{after['version']}, scroll kept")


# Where, in the viewport, `arguments[0]` (an element of the text layer) shows `arguments[1]`:
# the middle of that part of its text (a text element may hold a whole row), else of the element.
JS_TEXT_AT = """
const [el, want] = arguments;
const box = r => [r.left + r.width / 2, r.top + r.height / 2];
const node = el.firstChild;
const pattern = want.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&').replace(/ /g, '[\\u00a0\\u202f\\u2009 ]+');
const m = node && node.nodeType === Node.TEXT_NODE ? new RegExp(pattern).exec(node.data) : null;
if (m) {
  const range = document.createRange();
  range.setStart(node, m.index);
  range.setEnd(node, m.index + m[0].length);
  const r = range.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) return box(r);
}
return box(el.getBoundingClientRect());
"""


JS_SOURCE = """
const s = document.querySelector('#source');
const text = (root, css) => { const e = root.querySelector(css); return e ? e.textContent : null; };
const href = (root, css) => { const e = root.querySelector(css); return e ? e.getAttribute('href') : null; };
return {
  where: text(s, '.where a.loc'), href: href(s, '.where a.loc'), path: text(s, '.path'),
  formula: text(s, '.derivation .formula'),
  terms: Array.from(s.querySelectorAll('.derivation ul.terms > li.term')).map(li => ({
    label: text(li, '.label'), value: text(li, '.value'), loc: text(li, 'a.loc'),
    href: href(li, 'a.loc')})),
};
"""


def check_loc(what, loc, href, line, content):
    """`loc` is `TABLE:LINE:COL` (LINE the given one, or any when None), `href` the editor's."""
    m = re.fullmatch(re.escape(TABLE) + r":(\d+):(\d+)", (loc or "").strip())
    if not m:
        raise Failure(f"{what}: location {loc!r} is not {TABLE}:LINE:COL")
    if line is not None and int(m.group(1)) != line:
        raise Failure(f"{what}: location {loc!r}, expected line {line}")
    want = f"vscode://file/{content / TABLE}:{m.group(1)}:{m.group(2)}"
    if href != want:
        raise Failure(f"{what}: editor link {href!r}, expected {want!r}")
    return int(m.group(1))


def click_total(driver, edit, content, screenshot):
    el = find_on(driver, edit.new_text)["found"][0]["el"]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    x, y = driver.execute_script(JS_TEXT_AT, el, norm(edit.new_text))
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()
    wait_for("#source to show", PANEL_S, lambda: visible(driver, "#source"))
    src = wait_for("the derivation's terms", PANEL_S,
                   lambda: (lambda s: s if s["terms"] else None)(driver.execute_script(JS_SOURCE)))
    check_loc("#source .where", src["where"], src["href"], edit.sum["line"], content)
    if not re.fullmatch(rf"rows\.{edit.sum_index}(\..+)?", (src["path"] or "").strip()):
        raise Failure(f"#source .path {src['path']!r}, expected rows.{edit.sum_index}")
    formula = norm(src["formula"] or "")
    for part in [edit.sum["label"], norm(edit.new_text), "=", edit.terms[0]["label"]]:
        if part not in formula:
            raise Failure(f"#source .formula {formula!r} lacks {part!r}")
    check_terms(src["terms"], edit, content)
    driver.save_screenshot(str(screenshot))
    if not screenshot.is_file() or screenshot.stat().st_size == 0:
        raise Failure(f"no screenshot written to {screenshot}")
    ok(f"clicked {norm(edit.new_text)}: #source names {src['where']} ({(src['path'] or '').strip()}), "
       f"formula {formula!r}")
    ok(f"screenshot of the derivation saved: {screenshot}")
    driver.find_element(By.CSS_SELECTOR, "#source .close").click()
    wait_for("#source to close", PANEL_S, lambda: not visible(driver, "#source"))
    ok("#source .close closes the panel")


def check_terms(terms, edit, content):
    want = edit.term_rows()
    labels = [norm(t["label"] or "") for t in terms]
    if labels != [r["label"] for r in want]:
        raise Failure(f"the terms' labels {labels}, expected {[r['label'] for r in want]}")
    for term, row in zip(terms, want):
        try:
            value = parse_swedish(term["value"] or "")
        except Exception:
            raise Failure(f"term {row['label']}: value {term['value']!r} is not an amount")
        if value != row["value"]:
            raise Failure(f"term {row['label']}: value {term['value']!r}, expected {row['value']}")
        check_loc(f"term {row['label']}", term["loc"], term["href"], row["line"], content)
    ok(f"{len(terms)} terms, each with its label, value and line in {TABLE}: "
       + "; ".join(f"{t['label']} {norm(t['value'])} {t['loc']}" for t in terms))


JS_ERRORS = """
return Array.from(document.querySelectorAll('#errors li.diagnostic')).map(li => {
  const a = li.querySelector('a.loc'), m = li.querySelector('.message');
  return {loc: a && a.textContent, href: a && a.getAttribute('href'),
          message: m && m.textContent};
});
"""


def break_and_fix(driver, edit, content, n_pages):
    lines = edit.edited.splitlines(keepends=True)
    line = edit.row["line"]
    lines[line - 1] = lines[line - 1].replace("]", "", 1)  # an unclosed bracket
    version = driver.execute_script("return document.body.dataset.version")
    edit.path.write_text("".join(lines), encoding="utf-8")

    def probe():
        if not visible(driver, "#errors"):
            return None
        diags = driver.execute_script(JS_ERRORS)
        return [d for d in diags if (d["loc"] or "").strip().startswith(TABLE + ":")]

    diags = wait_for(f"#errors to show a diagnostic in {TABLE}", UPDATE_S, probe)
    d = diags[0]
    at = check_loc("#errors a.loc", d["loc"], d["href"], None, content)
    if not line <= at <= len(lines) + 1:
        raise Failure(f"#errors: the unclosed bracket is on line {line}, the diagnostic at {at}")
    if not (d["message"] or "").strip():
        raise Failure("#errors: the diagnostic has no .message")
    if len(pages(driver)) != n_pages or not find_on(driver, edit.new_text)["found"]:
        raise Failure("with errors, the last good pages are no longer shown")
    if driver.execute_script("return document.body.dataset.version") != version:
        raise Failure("with errors, body data-version changed")
    ok(f"broke {TABLE}:{line}: #errors shows {d['loc'].strip()} ({norm(d['message'])[:80]}); "
       f"the last good {n_pages} pages stay")

    edit.path.write_text(edit.edited, encoding="utf-8")
    wait_for("#errors to hide after the fix", UPDATE_S, lambda: not visible(driver, "#errors"))
    if len(pages(driver)) != n_pages or not find_on(driver, edit.new_text)["found"]:
        raise Failure("after the fix, the pages are not back")
    ok(f"fixed it: #errors hidden, {n_pages} pages with {norm(edit.new_text)} shown")

    edit.path.write_text(edit.original, encoding="utf-8")
    wait_for(f"the old total {edit.old_text!r} back", UPDATE_S,
             lambda: not find_on(driver, edit.new_text)["found"]
             and find_on(driver, edit.old_text, edit.row["label"])["found"])
    ok(f"restored {TABLE}: {edit.sum['label']} {norm(edit.old_text)} shown again")


def other_tab_in_step(driver, edit):
    """The second tab, opened with the first, shows the edit too."""
    first = driver.current_window_handle
    driver.switch_to.window(driver.window_handles[1])
    try:
        wait_for(f"the other tab to show {norm(edit.new_text)}", UPDATE_S,
                 lambda: find_on(driver, edit.new_text)["found"])
    finally:
        driver.switch_to.window(first)
    ok(f"a second tab shows {edit.sum['label']} {norm(edit.new_text)} too")


def open_second_tab(driver, url):
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(url)
    wait_for("the pages in a second tab", START_S, lambda: len(pages(driver)) > 0, interval=0.25)
    driver.switch_to.window(first)


def reconnect(driver, server, edit, port, n_pages):
    """The server stops and starts again on its port: the page goes offline, then live, and
    shows what was saved meanwhile."""
    server.stop()
    status = lambda: driver.find_element(By.ID, "status").get_attribute("data-state")
    wait_for("#status offline once the server is gone", PANEL_S, lambda: status() == "offline")
    edit.path.write_text(edit.edited, encoding="utf-8")
    server.start(["--port", str(port)])
    server.url()
    wait_for("#status live again", START_S, lambda: status() == "live", interval=0.25)
    wait_for(f"{norm(edit.new_text)}, saved while the server was down", UPDATE_S,
             lambda: find_on(driver, edit.new_text)["found"])
    if len(pages(driver)) != n_pages:
        raise Failure(f"after reconnecting {len(pages(driver))} pages, expected {n_pages}")
    ok(f"server restarted on port {port}: #status offline, then live by itself, "
       f"{norm(edit.new_text)} (saved meanwhile) shown")


# ---------------------------------------------------------------- plain HTTP


def request(port, path, headers, method="GET"):
    """One raw HTTP/1.1 request (the path sent as is): status, headers (lower-case), body."""
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        hdrs = {}
        for h in header_lines:
            k, _, v = h.partition(":")
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
        if status != 101:
            length = int(hdrs.get("content-length", ["-1"])[0])
            while length < 0 or len(body) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
    if "chunked" in hdrs.get("transfer-encoding", [""])[0]:
        body = dechunk(body)
    if any(k.startswith("access-control-") for k in hdrs):
        raise Failure(f"{method} {path}: an Access-Control-* header: {hdrs}")
    return status, hdrs, body


def dechunk(data):
    body = b""
    while data:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0] or b"0", 16)
        if n == 0:
            break
        body, data = body + rest[:n], rest[n + 2:]
    return body


def expect(port, path, headers, status, method="GET", what=None):
    got, hdrs, body = request(port, path, dict({"Connection": "close"}, **headers), method)
    if got != status:
        raise Failure(f"{what or path}: HTTP {got}, expected {status} "
                      f"(headers sent: {headers}; body: {body[:200]!r})")
    return hdrs, body


def ws_headers(key):
    return {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": "13"}


def check_http(port):
    own = f"127.0.0.1:{port}"
    for host in [own, f"localhost:{port}"]:
        hdrs, body = expect(port, "/", {"Host": host}, 200, what=f"GET / with Host {host}")
        if not hdrs.get("content-type", [""])[0].startswith("text/html"):
            raise Failure(f"GET /: content-type {hdrs.get('content-type')}")
    for asset in ["/assets/preview.js", "/assets/preview.css"]:
        expect(port, asset, {"Host": own}, 200)
    ok("GET / (Host 127.0.0.1 and localhost) and the two assets: 200")
    for host in ["evil.example", f"evil.example:{port}"]:
        hdrs, body = expect(port, "/", {"Host": host}, 403, what=f"GET / with Host {host}")
        if not body.decode("utf-8", "replace").startswith("vplan preview: refused: Host"):
            raise Failure(f"Host {host}: the refusal's text is {body[:120]!r}")
        if not hdrs.get("content-type", [""])[0].startswith("text/plain"):
            raise Failure(f"Host {host}: the refusal's content-type {hdrs.get('content-type')}")
    ok("a foreign Host (evil.example, with and without the port): 403 text/plain, refused")
    expect(port, "/", {"Host": own, "Origin": "http://evil.example"}, 403,
           what="GET / with Origin http://evil.example")
    ok("GET / with a foreign Origin: 403")
    check_ws(port, own)
    for path in ["/../Cargo.toml", "/assets/../../Cargo.toml", "/%2e%2e/Cargo.toml",
                 "/assets/%2e%2e/%2e%2e/Cargo.toml", "/Cargo.toml", "/nonexistent"]:
        _, body = expect(port, path, {"Host": own}, 404)
        if b"[package]" in body:
            raise Failure(f"{path}: served Cargo.toml")
    ok("paths that climb out (/../Cargo.toml, /assets/../../Cargo.toml, /%2e%2e/Cargo.toml, "
       "…) and unknown ones: 404")
    for method in ["POST", "PUT", "DELETE"]:
        expect(port, "/", {"Host": own, "Content-Length": "0"}, 405, method=method,
               what=f"{method} /")
    ok("POST, PUT, DELETE /: 405")
    ok("no Access-Control-* header on any answer")


def check_ws(port, own):
    key = base64.b64encode(os.urandom(16)).decode()
    expect(port, "/ws", dict(ws_headers(key), Host=own), 403,
           what="WebSocket upgrade without Origin")
    expect(port, "/ws", dict(ws_headers(key), Host=own, Origin="http://evil.example"), 403,
           what="WebSocket upgrade with Origin http://evil.example")
    expect(port, "/ws", dict(ws_headers(key), Host="evil.example",
                             Origin="http://evil.example"), 403,
           what="WebSocket upgrade with Host and Origin evil.example")
    hdrs, _ = expect(port, "/ws", dict(ws_headers(key), Host=own, Origin=f"http://{own}"), 101,
                     what=f"WebSocket upgrade with Origin http://{own}")
    accept = base64.b64encode(hashlib.sha1(
        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    if hdrs.get("sec-websocket-accept", [""])[0] != accept:
        raise Failure(f"WebSocket upgrade: Sec-WebSocket-Accept {hdrs.get('sec-websocket-accept')}")
    ok("WebSocket upgrade: without Origin 403, Origin http://evil.example 403, "
       f"Origin http://{own} 101")


# ---------------------------------------------------------------- main


def main():
    # `timeout` sends SIGTERM: leave through `finally`, which ends the server and the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    vplan, screenshot = os.path.abspath(sys.argv[1]), Path(sys.argv[2]).resolve()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="vplan-preview-browser-")).resolve()
    server = driver = None
    started = time.monotonic()
    try:
        content = tmp / "content"
        shutil.copytree(REPO / "content", content)
        # Beside it (the server's working directory, without a templates/: the built-in
        # templates) a file that a server serving files by path would give away.
        shutil.copy(REPO / "Cargo.toml", tmp / "Cargo.toml")
        print(f"preview-browser-test: {vplan} preview --content {content}", flush=True)
        server = Server(vplan, content)
        url, port = server.url()
        ok(f"vplan preview says {url}")
        driver = start_browser()
        ok(f"Chromium {driver.capabilities.get('browserVersion')} (headless) through "
           f"{driver.service.path}")
        n_pages = open_page(driver, url)
        open_second_tab(driver, url)
        edit = Edit(content / TABLE, driver)
        edit_and_wait(driver, edit)
        other_tab_in_step(driver, edit)
        click_total(driver, edit, content, screenshot)
        break_and_fix(driver, edit, content, n_pages)
        reconnect(driver, server, edit, port, n_pages)
        check_http(port)
    except Exception as e:
        if isinstance(e, Failure):
            print(f"preview-browser-test: FAILED: {e}", file=sys.stderr)
        else:
            print("preview-browser-test: FAILED with an exception:", file=sys.stderr)
            traceback.print_exc()
        if server:
            print(f"--- vplan preview's stderr (last lines):\n{server.tail()}", file=sys.stderr)
        return 1
    finally:
        if driver:
            driver.quit()
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"preview-browser-test: all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
