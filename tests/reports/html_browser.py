"""Headless Chromium driven through its DevTools protocol on a pipe, with the stdlib only.

Chromium started with `--remote-debugging-pipe` reads protocol messages on
file descriptor 3 and writes them on 4, each a JSON object ended by a NUL
byte. That is all a test needs to load a page, watch every network request and
console message, query the DOM, ask which fonts rendered a node and take a
screenshot: no websocket, no Playwright, no browser download.

Also a small PNG reader, so a test can tell a blank screenshot from a drawn one.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60.0
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in CI containers; the page is ours and makes no request
    "--disable-gpu",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


@dataclass
class Page:
    """What one page load showed: its requests, its console, and a session to ask more."""

    browser: Browser
    session: str
    url: str
    start: int
    """Where this page's events begin in the browser's event list."""

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for, but the page itself."""
        return _collect(self)[0]

    @property
    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, failed loads, CSP reports."""
        return _collect(self)[1]

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def fonts_of(self, selector: str) -> list[dict[str, Any]]:
        """The platform fonts that rendered the text inside the first `selector` match."""
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        if not node:
            raise BrowserError(f"no element matches {selector}")
        fonts: list[dict[str, Any]] = self.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        return fonts

    def screenshot(self, *, scale: float = 1, height: float | None = None, top: float = 0) -> bytes:
        """A PNG of the whole page (or of `height` CSS pixels from `top`).

        The viewport is first made as tall as the part shown, so the capture is of
        what is on screen: `captureBeyondViewport` can wait for a frame that a
        loaded machine's headless Chromium never draws."""
        self.call("Page.bringToFront")
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        tall = min(size["height"] - top, height) if height else size["height"] - top
        width = int(size["width"])
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=int(top + tall) + 1,
            deviceScaleFactor=1,
            mobile=False,
        )
        clip = {"x": 0, "y": top, "width": width, "height": tall, "scale": scale}
        data = self.call("Page.captureScreenshot", format="png", clip=clip)["data"]
        return base64.b64decode(data)


class Browser:
    """One headless Chromium process, spoken to over the DevTools pipe."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="ebcheck-chromium-")
        to_child, self._write = _pipe()
        self._read, from_child = _pipe()
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, to_child, 3),
            (os.POSIX_SPAWN_DUP2, from_child, 4),
        ]
        argv = [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.pid = os.posix_spawn(executable, argv, dict(os.environ), file_actions=actions)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._write, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(left, 0))
            if not ready:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, event: str, session: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        seen = len(self.events)
        while True:
            for message in self.events[seen:]:
                if message.get("method") == event and message.get("sessionId") == session:
                    return
            seen = len(self.events)
            self.events.append(self._receive(deadline))

    def open(self, path: Path, *, width: int = 1280, height: int = 900) -> Page:
        """Load a local file in a new tab and wait for its load event."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        url = path.resolve().as_uri()
        page = Page(self, session, url, len(self.events))
        for domain in ("Page", "Runtime", "Network", "Log", "DOM", "CSS"):
            page.call(f"{domain}.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired", session)
        page.evaluate("new Promise(r => requestAnimationFrame(() => r(1)))")
        return page

    def close(self) -> None:
        with suppress(BrowserError):
            self.call("Browser.close")
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        os.close(self._read)
        os.close(self._write)
        shutil.rmtree(self.profile, ignore_errors=True)


def _pipe() -> tuple[int, int]:
    """A pipe whose ends are above fd 4 and close on exec (only fds 3 and 4 are passed)."""
    read, write = os.pipe()
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (read, write)]
    os.close(read)
    os.close(write)
    return high[0], high[1]


def _collect(page: Page) -> tuple[list[str], list[str]]:
    """(requests other than the page itself, console problems) seen so far on `page`."""
    requests: list[str] = []
    problems: list[str] = []
    for message in page.browser.events[page.start :]:
        if message.get("sessionId") != page.session:
            continue
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != page.url:
                requests.append(url)
        elif method == "Network.loadingFailed":
            problems.append(f"load failed: {params.get('errorText')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning"):
            values = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            problems.append(f"console.{params['type']}: {' '.join(values)}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log: {params['entry']['text']}")
    return requests, problems


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    browser = Browser(executable)
    try:
        yield browser
    finally:
        browser.close()


# --- PNG -------------------------------------------------------------------------


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of raw pixel bytes) of an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF


def colours(data: bytes, *, step: int = 7) -> dict[bytes, int]:
    """How often each colour occurs, sampling every `step`-th pixel of every `step`-th row."""
    width, _, rows = png_pixels(data)
    channels = len(rows[0]) // width if rows else 3
    counts: dict[bytes, int] = {}
    for row in rows[::step]:
        for x in range(0, width, step):
            pixel = row[x * channels : x * channels + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    return counts


DEAL_SHOWN = "#deal-7"
"""The examples' HD-2026-031 (EB never met, a coach who is also the UB)."""


def main() -> None:
    """`python -m tests.reports.html_browser OUT.png [LANG]`: a screenshot of the examples'
    HTML report (the one in docs/)."""
    import sys

    from ebcheck.audit.engine import audit_paths, words_for
    from ebcheck.audit.settings import Settings
    from ebcheck.reports import Format, RenderOptions, render

    target, lang = Path(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else "en")
    examples = Path(__file__).resolve().parents[2] / "examples"
    report = audit_paths((examples,), Settings(lang=lang))
    page = render(report, Format.HTML, RenderOptions(catalogue=words_for(lang)))
    executable = find_chromium()
    if executable is None:
        raise SystemExit("no Chromium installed (apt-get install -y chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        source.write_text(page, encoding="utf-8")
        with chromium(executable) as browser:
            shown = browser.open(source, width=1200)
            target.write_bytes(shown.screenshot(height=1500))
            # A deal's section: its facts, buying centre map, ladder and findings.
            where = shown.evaluate(
                f"(() => {{ const r = document.querySelector('{DEAL_SHOWN}')"
                ".getBoundingClientRect(); return [r.top + scrollY - 8, r.height + 16]; })()"
            )
            deal = target.with_name(target.stem + "-deal" + target.suffix)
            deal.write_bytes(shown.screenshot(top=where[0], height=min(where[1], 1400)))
    print(f"wrote {target} and {deal}")


if __name__ == "__main__":
    main()
