"""A small client of Chromium's DevTools protocol for the tests that use a page as a person would:
headless Chromium on a loopback debugging port, one page, commands by name, events kept.
Needs python3-websocket (scripts/install-deps.sh --with-tests)."""
import base64
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import websocket
from PIL import Image


class Page:
    def __init__(self, width=1400, height=900):
        # Chromium's helper processes may still write to the profile as it closes
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={self.profile.name}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        url, deadline = None, time.time() + 30
        while url is None and time.time() < deadline:
            line = self.process.stderr.readline()
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            url = match.group(1) if match else None
            if not line and self.process.poll() is not None:
                break
        if url is None:
            self.close()
            raise RuntimeError("chromium did not open its DevTools port")
        self.ws = websocket.create_connection(url, timeout=30)
        self.next_id, self.events, self.session = 0, [], None
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.evaluate(expression):
                    return True
            except RuntimeError:  # between two documents while the page navigates
                pass
            time.sleep(0.1)
        return False

    def screenshot(self):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")

    def type(self, text):
        self.send("Input.insertText", text=text)

    def press_enter(self):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                      nativeVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")

    def requested_urls(self):
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the browser and every helper it started
        except ProcessLookupError:
            pass
        self.process.wait()
        self.profile.cleanup()
