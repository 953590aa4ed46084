"""A counting push service for benchmarks: 127.0.0.1, its own process, asyncio, keep-alive.

It answers every ``POST`` with ``201 Created`` and counts it; ``GET /count`` returns the
count. It checks nothing else: the checking push service of the tests
(``tests/pushservice.py``: VAPID signature, aes128gcm decryption) is what proves the
messages are right, in ``tests/test_push_*.py`` and ``tests/browser/test_push_e2e.py``.
Here the point is a push service that is not the bottleneck, as a real one is not: the
threaded ``http.server`` of the tests tops out at about 2,000 requests/s on two cores, one
thread per connection, which is below what the sender does.

Use it as a context manager::

    with CountingPushService() as service:
        ...  # send to service.origin + "/push/<anything>"
        service.count()
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import urllib.request

#: Largest request head or body accepted (a Web Push message is at most 4 KB).
MAX_SIZE = 64 * 1024


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 with Content-Length bodies (what push senders send), pipelining-safe."""

    counter = [0]

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data):
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                if len(self.buffer) > MAX_SIZE:
                    self.transport.close()
                return
            head = bytes(self.buffer[:head_end]).decode("latin-1")
            request_line, *header_lines = head.split("\r\n")
            length = 0
            close = False
            for line in header_lines:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if length > MAX_SIZE:
                self.transport.close()
                return
            end = head_end + 4 + length
            if len(self.buffer) < end:
                return  # the rest of the body is still on its way
            del self.buffer[:end]
            method = request_line.split(" ", 1)[0]
            if method == "POST":
                self.counter[0] += 1
                body = b""
                status = b"201 Created"
            else:  # GET /count
                body = str(self.counter[0]).encode()
                status = b"200 OK"
            self.transport.write(
                b"HTTP/1.1 "
                + status
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            if close:
                self.transport.close()
                return


def _serve(conn) -> None:
    """Child process: serve until the parent says stop (or goes away)."""

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Protocol, "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        conn.send(f"http://127.0.0.1:{port}")
        await loop.run_in_executor(None, _wait_for_stop, conn)
        server.close()

    asyncio.run(main())


def _wait_for_stop(conn) -> None:
    with contextlib.suppress(EOFError):  # the parent went away: stop too
        conn.recv()


class CountingPushService:
    """The counting push service in a child process (its own interpreter lock and core)."""

    def __enter__(self) -> CountingPushService:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        if not self._conn.poll(15):
            raise SystemExit("counting push service did not start")
        self.origin = self._conn.recv()
        return self

    def count(self) -> int:
        with urllib.request.urlopen(self.origin + "/count", timeout=5) as response:
            return int(response.read())

    def __exit__(self, *exc) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
