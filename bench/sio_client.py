"""A minimal Socket.IO client for load generation: Engine.IO 4 over a raw asyncio websocket.

Far lighter per message than a full client, so one process can receive tens of thousands of
events a second and leave the CPU to the server being measured. Text frames only; no polling.
"""

import asyncio
import base64
import itertools
import json
import os
import time


class Client:
    """Engine.IO 4 over a websocket, Socket.IO 5 packets; just enough for connect, events and acks."""

    def __init__(self, index: int, on_event, on_disconnect):
        self.index, self.on_event, self.on_disconnect = index, on_event, on_disconnect
        self.acks: dict[int, asyncio.Future] = {}
        self.ack_ids = itertools.count()
        self.seen: set = set()  # for the caller's bookkeeping

    async def connect(
        self, host: str, port: int, token: str | None, ssl=None, local_address: str | None = None
    ) -> None:
        """`ssl`: a context for TLS (through nginx); `local_address`: the address to send from
        (127.x.y.z on loopback stands for a commune's own public address)."""
        self.reader, self.writer = await asyncio.open_connection(
            host,
            port,
            ssl=ssl,
            server_hostname=host if ssl else None,
            local_addr=(local_address, 0) if local_address else None,
        )
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        status = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"websocket refused: {status[:200]!r}")
        opened = await self._receive()
        assert opened.startswith("0"), opened
        self._send("40" + json.dumps({"token": token} if token else {}))
        connected = await self._receive()
        while connected == "2":  # a ping while the server is still deciding: answer and wait on
            self._send("3")
            connected = await self._receive()
        if not connected.startswith("40"):
            raise RuntimeError(f"Socket.IO connect refused: {connected}")
        self.task = asyncio.create_task(self._read_forever())

    def _send(self, text: str) -> None:
        data = text.encode()
        size = len(data)
        if size < 126:
            header = bytes([0x81, 0x80 | size])
        elif size < 65536:
            header = bytes([0x81, 0x80 | 126]) + size.to_bytes(2, "big")
        else:
            header = bytes([0x81, 0x80 | 127]) + size.to_bytes(8, "big")
        mask = os.urandom(4)
        key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
        self.writer.write(header + mask + (int.from_bytes(data, "big") ^ key).to_bytes(size, "big"))

    async def _receive(self) -> str:
        message = b""
        while True:
            head = await self.reader.readexactly(2)
            size = head[1] & 0x7F
            if size == 126:
                size = int.from_bytes(await self.reader.readexactly(2), "big")
            elif size == 127:
                size = int.from_bytes(await self.reader.readexactly(8), "big")
            payload = await self.reader.readexactly(size)
            opcode = head[0] & 0x0F
            if opcode == 8:
                raise ConnectionError("websocket closed")
            if opcode == 9:
                self.writer.write(bytes([0x8A, 0x80]) + os.urandom(4))
                continue
            message += payload
            if head[0] & 0x80:
                return message.decode()

    async def _read_forever(self) -> None:
        try:
            while True:
                self._handle(await self._receive(), time.monotonic())
        except (ConnectionError, asyncio.IncompleteReadError):
            self.on_disconnect(self)

    def _handle(self, text: str, now: float) -> None:
        if text == "2":
            self._send("3")
        elif text.startswith("42"):
            name, data = json.loads(text[2:])
            self.on_event(self, name, data, now)
        elif text.startswith("43"):
            bracket = text.index("[")
            future = self.acks.pop(int(text[2:bracket]), None)
            if future is not None and not future.done():
                future.set_result(json.loads(text[bracket:])[0])

    def call(self, event: str, data: dict) -> asyncio.Future:
        ack_id = next(self.ack_ids)
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        self._send(f"42{ack_id}" + json.dumps([event, data]))
        return future

    def close(self) -> None:
        for future in self.acks.values():
            future.cancel()
        self.task.cancel()
        self.writer.close()
