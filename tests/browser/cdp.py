"""A minimal Chrome DevTools Protocol client for the browser tests (websocket-client, no downloads).

Starts the system's headless Chromium with a fresh profile and remote
debugging on a free port, opens one tab, and lets a test load a page at a
phone's width and read what happened: console errors, uncaught exceptions,
failed or outgoing network requests, and values computed in the page.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websocket

from helpers.publishing import pdf

#: Where the browser tests save their screenshots (ignored by git).
SCREENSHOTS_DIR = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
STARTUP_TIMEOUT_S = 30
PAGE_TIMEOUT_S = 30


@dataclass
class PageReport:
    """What one page load produced."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    web_requests: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


class Browser:
    """Headless Chromium driven over CDP; use as a context manager."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or pdf.find_chromium()
        if self.executable is None:
            raise RuntimeError("no Chromium on PATH")
        self._profile = tempfile.TemporaryDirectory(prefix="gem-kit-cdp-")
        self._process: subprocess.Popen | None = None
        self._socket: websocket.WebSocket | None = None
        self._next_id = 0

    def __enter__(self) -> Browser:
        profile = Path(self._profile.name)
        self._process = subprocess.Popen(
            [self.executable, *pdf.HEADLESS_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             "--remote-allow-origins=*", "--hide-scrollbars", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            target = json.load(response)
        self._socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=PAGE_TIMEOUT_S,
                                                   suppress_origin=True)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        return self

    def __exit__(self, *exc) -> None:
        if self._socket is not None:
            self._socket.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._profile.cleanup()

    def call(self, method: str, events: list | None = None, **params) -> dict:
        """Send one command and return its result; events arriving meanwhile go to ``events``."""
        assert self._socket is not None
        self._next_id += 1
        message_id = self._next_id
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if events is not None and "method" in message:
                events.append(message)

    def open(self, url: str, *, width_px: int, height_px: int = 844, screenshot: Path | None = None) -> PageReport:
        """Load ``url`` at a phone's width, wait for it, and report what happened."""
        events: list[dict] = []
        self.call("Emulation.setDeviceMetricsOverride", events, width=width_px, height=height_px,
                  deviceScaleFactor=1, mobile=True)
        self.call("Page.navigate", events, url=url)
        deadline = time.monotonic() + PAGE_TIMEOUT_S
        while not any(e["method"] == "Page.loadEventFired" for e in events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: no load event within {PAGE_TIMEOUT_S} s")
            events.append(json.loads(self._socket.recv()))  # type: ignore[union-attr]
        time.sleep(0.3)  # let late console messages and image decodes arrive
        self.call("Runtime.evaluate", events, expression="1")
        facts = self.call("Runtime.evaluate", events, returnByValue=True, awaitPromise=True, expression="""
            (async () => {
              await document.fonts.ready;
              const images = [...document.images];
              await Promise.all(images.map(i => i.decode().catch(() => null)));
              return {
                scrollWidth: document.documentElement.scrollWidth,
                visibleTextLength: (document.body ? document.body.innerText.trim().length : 0),
                imageCount: images.length,
                brokenImages: images.filter(i => !i.complete || i.naturalWidth === 0)
                                    .map(i => (i.getAttribute('src') || '').slice(0, 60)),
                imagesWithoutAlt: images.filter(i => !i.hasAttribute('alt')).length,
                lang: document.documentElement.lang,
              };
            })()""")["result"]["value"]
        report = PageReport(url=url, facts=facts)
        for event in events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                report.console_errors.append(str(details.get("exception", {}).get("description") or details.get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.console_errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                report.console_errors.append(params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                report.failed_requests.append(f"{params.get('errorText')} ({params.get('requestId')})")
            elif method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if request_url.startswith(("http:", "https:", "ws:", "wss:")):
                    report.web_requests.append(request_url)
        if screenshot is not None:
            shot = self.call("Page.captureScreenshot", events, format="png", captureBeyondViewport=True)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        return report
