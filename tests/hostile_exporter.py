"""A fault-injection exporter on 127.0.0.1: each path misbehaves in one way a broken or hostile server can.

It speaks raw HTTP/1.1 over asyncio in its own thread (so it keeps misbehaving while the test's event loop
waits), and counts the requests each path got.

=================  ============================================================================================
path               what it sends
=================  ============================================================================================
``/ok``            the Kepler fixture, whole
``/drip``          headers and a ``Content-Length``, then one byte every ``drip_seconds``, never finishing
``/hang``          headers, then nothing at all
``/huge``          a chunked body of ``huge_bytes`` (valid exposition lines, repeated)
``/gzip``          ``Content-Encoding: gzip``: ~100 KiB on the wire that inflate to ``huge_bytes``
``/halves``        the fixture padded to ``halves_bytes``, in two halves with ``pause_seconds`` between them
``/duplicates``    the fixture with every sample line twice
``/negative``      the fixture with one pod's package watts negative
``/overflow``      the fixture with one pod's package watts at 1.7e308 (and a second at 1.7e308)
``/nan``           the fixture with one pod's package watts NaN
``/toggle``        ``/ok`` until :attr:`HostileExporter.hang_toggle` is set, then ``/hang``
=================  ============================================================================================
"""

from __future__ import annotations

import asyncio
import gzip
import threading
from collections import Counter
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

FIXTURE = (Path(__file__).parent / "fixtures" / "kepler_current.prom").read_text(encoding="utf-8")
POD_WATTS_LINE = next(
    line
    for line in FIXTURE.splitlines()
    if line.startswith("kepler_pod_cpu_watts{") and 'pod_name="web-app-7d9f8b6c5-kx2vq"' in line and "package" in line
)
"""The fixture's package watts line of production/web-app-7d9f8b6c5-kx2vq (the pod the tests break)."""


def _replace_value(line: str, value: str) -> str:
    return line.rsplit(" ", 1)[0] + " " + value


def _doubled(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        lines.append(line)
        if line and not line.startswith("#"):
            lines.append(line)
    return "\n".join(lines) + "\n"


class HostileExporter:
    """The server; start it with :func:`hostile_exporter`."""

    def __init__(
        self,
        *,
        drip_seconds: float = 0.2,
        huge_bytes: int = 4 * 1024 * 1024,
        halves_bytes: int = 48 * 1024,
        pause_seconds: float = 0.3,
    ) -> None:
        self.drip_seconds = drip_seconds
        self.huge_bytes = huge_bytes
        self.halves_bytes = halves_bytes
        self.pause_seconds = pause_seconds
        self.requests: Counter[str] = Counter()
        self.hang_toggle = threading.Event()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def url(self, path: str) -> str:
        """The URL of one of the paths."""
        return f"http://127.0.0.1:{self.port}{path}"

    # --- bodies ----------------------------------------------------------------------------------------

    def body(self, path: str) -> str:
        """The text a well-formed but bad-data path sends."""
        if path == "/duplicates":
            return _doubled(FIXTURE)
        if path == "/negative":
            return FIXTURE.replace(POD_WATTS_LINE, _replace_value(POD_WATTS_LINE, "-300"))
        if path == "/overflow":
            broken = _replace_value(POD_WATTS_LINE, "1.7e308")
            return FIXTURE.replace(POD_WATTS_LINE, broken + "\n" + broken.replace("package", "dram"))
        if path == "/nan":
            return FIXTURE.replace(POD_WATTS_LINE, _replace_value(POD_WATTS_LINE, "NaN"))
        if path == "/halves":
            padding = "# padding\n" * ((self.halves_bytes - len(FIXTURE)) // 10 + 1)
            return FIXTURE + padding
        return FIXTURE

    # --- the server ------------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        path = head.split(b" ", 2)[1].decode("ascii", "replace").split("?", 1)[0]
        self.requests[path] += 1
        if path == "/toggle":
            path = "/hang" if self.hang_toggle.is_set() else "/ok"
        try:
            await self._respond(path, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _respond(self, path: str, writer: asyncio.StreamWriter) -> None:
        stop = self._stop
        assert stop is not None
        text_headers = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n"
        if path == "/drip":
            writer.write((text_headers + "Content-Length: 1000000\r\n\r\n").encode())
            await writer.drain()
            while not stop.is_set():
                writer.write(b"#")
                await writer.drain()
                await asyncio.sleep(self.drip_seconds)
            return
        if path == "/hang":
            writer.write((text_headers + "Content-Length: 1000000\r\n\r\n").encode())
            await writer.drain()
            await stop.wait()
            return
        if path == "/huge":
            writer.write((text_headers + "Transfer-Encoding: chunked\r\n\r\n").encode())
            chunk = (POD_WATTS_LINE + "\n").encode() * 512
            sent = 0
            while sent < self.huge_bytes and not stop.is_set():
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
                sent += len(chunk)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return
        if path == "/gzip":
            bomb = gzip.compress(b"#" * self.huge_bytes, compresslevel=9)
            writer.write(
                (text_headers + f"Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\n\r\n").encode() + bomb
            )
            await writer.drain()
            return
        body = self.body(path).encode()
        writer.write((text_headers + f"Content-Length: {len(body)}\r\n\r\n").encode())
        if path == "/halves":
            middle = len(body) // 2
            writer.write(body[:middle])
            await writer.drain()
            await asyncio.sleep(self.pause_seconds)
            writer.write(body[middle:])
        else:
            writer.write(body)
        await writer.drain()

    def _serve(self, started: threading.Event) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = int(server.sockets[0].getsockname()[1])
            self._loop = asyncio.get_running_loop()
            started.set()
            async with server:
                await self._stop.wait()
                server.close()
                # Let the handlers see the stop and close their connections.
                await asyncio.sleep(0.05)

        asyncio.run(main())

    def stop(self) -> None:
        """Stop serving (every dripping or hanging connection is closed)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            loop.call_soon_threadsafe(stop.set)


@contextmanager
def hostile_exporter(
    *, huge_bytes: int = 4 * 1024 * 1024, halves_bytes: int = 48 * 1024, pause_seconds: float = 0.3
) -> Generator[HostileExporter]:
    """A running :class:`HostileExporter` on a free loopback port."""
    exporter = HostileExporter(huge_bytes=huge_bytes, halves_bytes=halves_bytes, pause_seconds=pause_seconds)
    started = threading.Event()
    thread = threading.Thread(target=exporter._serve, args=(started,), name="hostile-exporter", daemon=True)  # pyright: ignore[reportPrivateUsage]
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the hostile exporter did not start")
    try:
        yield exporter
    finally:
        exporter.stop()
        thread.join(timeout=5)
