"""A connection to `tacit serve`: JSON objects, one per line, over TCP (protocol 1, docs/interop.md).

Standard library only. `launch()` starts a server from a tacit checkout and connects to it.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
from typing import Any

PROTOCOL_VERSION = 1


class TacitServerError(RuntimeError):
    """The server answered a request with an error: `code` says which kind, the message what to do."""

    def __init__(self, code: str, message: str, issues: list | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.issues = issues or []


class Connection:
    """One TCP connection to a tacit server; `request(op, **fields)` returns the response dict."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, timeout: float | None = 60.0):
        if not port:
            raise ValueError("Connection needs the server's port: start `tacit serve` and pass the port it prints, or use tacit_client.launch()")
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._sock.makefile("rb")
        self._next_id = 0
        self.hello = self.request("hello", protocol=PROTOCOL_VERSION)

    def request(self, op: str, **fields: Any) -> dict:
        self._next_id += 1
        msg = {"id": self._next_id, "op": op, **fields}
        self._sock.sendall((json.dumps(msg, separators=(",", ":")) + "\n").encode())
        line = self._reader.readline()
        if not line:
            raise ConnectionError("tacit server closed the connection")
        resp = json.loads(line)
        if not resp.get("ok"):
            err = resp.get("error", {})
            raise TacitServerError(err.get("code", "unknown"), err.get("message", ""), err.get("issues"))
        return resp

    def close(self) -> None:
        try:
            self._reader.close()
            self._sock.close()
        except OSError:
            pass


class LaunchedServer:
    """A `tacit serve` process started by `launch()`; `stop()` (or leaving a `with` block) ends it."""

    def __init__(self, proc: subprocess.Popen, host: str, port: int):
        self.proc = proc
        self.host = host
        self.port = port

    def connect(self) -> Connection:
        return Connection(self.host, self.port)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self) -> "LaunchedServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def default_tacit_command() -> list[str]:
    """`node <checkout>/bin/tacit.mjs`, the checkout this client lives in (or $TACIT_ROOT)."""
    root = os.environ.get("TACIT_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    return ["node", os.path.join(root, "bin", "tacit.mjs")]


def launch(command: list[str] | None = None) -> LaunchedServer:
    """Start `tacit serve --port 0` (argv list, no shell) and wait for the line with its port."""
    argv = (command or default_tacit_command()) + ["serve", "--port", "0"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    line = proc.stdout.readline() if proc.stdout else b""
    if not line:
        proc.wait()
        raise RuntimeError(f"`{' '.join(argv)}` exited with code {proc.returncode} before listening")
    info = json.loads(line)["listening"]
    return LaunchedServer(proc, info["host"], info["port"])
