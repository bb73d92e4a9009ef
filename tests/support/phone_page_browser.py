#!/usr/bin/env python3
"""Drives the phone upload page in headless Chromium over the DevTools
protocol, as a phone's browser would use it (tst_phone_upload.cpp runs it).

  phone_page_browser.py CHROMIUM upload URL FILE   open URL, put FILE in the photo input, let the page send it
  phone_page_browser.py CHROMIUM open URL          open URL only

Prints one JSON object: the form's input as loaded ("input": accept,
capture, name; null when the page has none) and the page shown at the end
("title", "h1", "text"). Exits 2 when Chromium cannot be driven.
Python 3 standard library only: a minimal WebSocket client (RFC 6455).
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    def __init__(self, ws_url, timeout=30):
        assert ws_url.startswith("ws://")
        hostport, path = ws_url[5:].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _message(self):
        parts = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)  # the server does not mask
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0x0, 0x1, 0x2):
                parts += payload
                if b0 & 0x80:
                    return json.loads(parts.decode())

    def call(self, method, **params):
        self.next_id += 1
        mine = self.next_id
        self._send_frame(0x1, json.dumps({"id": mine, "method": method, "params": params}).encode())
        while True:
            m = self._message()
            if m.get("id") == mine:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    del self.events[i]
                    return e
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                m = self._message()
            except socket.timeout:
                return None
            finally:
                self.sock.settimeout(30)
            if "method" in m:
                self.events.append(m)
        return None

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r.get("result", {}).get("value")


PAGE_STATE = ("JSON.stringify({title: document.title, h1: (document.querySelector('h1') || {}).innerText || '',"
              " text: document.body ? document.body.innerText : ''})")
INPUT_STATE = ("(function(){var i=document.querySelector('input[type=file]'); return i ? JSON.stringify("
               "{accept: i.getAttribute('accept'), capture: i.getAttribute('capture'), name: i.name}) : 'null';})()")


def start_chromium(chromium, profile):
    proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
                             f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if len(lines) >= 1:
                port = int(lines[0])
                try:
                    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
                except OSError:
                    targets = []
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return proc, pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chromium did not open its DevTools port within 30 s")


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("upload", "open") or (sys.argv[2] == "upload") != (len(sys.argv) == 5):
        print(__doc__, file=sys.stderr)
        return 2
    chromium, mode, url = sys.argv[1:4]
    profile = tempfile.mkdtemp(prefix="listinglens-chromium-")
    proc = None
    try:
        proc, ws = start_chromium(chromium, profile)
        dt = DevTools(ws)
        dt.call("Page.enable")
        dt.call("Page.navigate", url=url)
        if not dt.wait_event("Page.loadEventFired", 20):
            raise RuntimeError("the page did not load within 20 s")
        out = {"input": json.loads(dt.evaluate(INPUT_STATE) or "null")}
        if mode == "upload":
            root = dt.call("DOM.getDocument")["root"]["nodeId"]
            node = dt.call("DOM.querySelector", nodeId=root, selector="input[type=file]")["nodeId"]
            if not node:
                raise RuntimeError("the page has no file input")
            dt.call("DOM.setFileInputFiles", files=[os.path.abspath(sys.argv[4])], nodeId=node)
            # The page sends the photo once it is chosen, as a phone does after the camera;
            # the Send button is there for browsers that do not run the script.
            if not dt.wait_event("Page.loadEventFired", 5):
                dt.evaluate("document.getElementById('send').click()")
                if not dt.wait_event("Page.loadEventFired", 20):
                    raise RuntimeError("no answer page within 25 s of choosing the photo")
        out.update(json.loads(dt.evaluate(PAGE_STATE)))
        print(json.dumps(out))
        return 0
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        print(f"phone_page_browser: {e}", file=sys.stderr)
        return 2
    finally:
        if proc:
            proc.kill()
            proc.wait()
        for _ in range(10):  # Chromium's helper processes may still be writing there for a moment
            shutil.rmtree(profile, ignore_errors=True)
            if not os.path.exists(profile):
                break
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
