"""A loopback UDP relay to a test agent: it keeps every request it forwards and, given
``answered``, forwards only that many (an agent that stops answering mid-walk)."""

from __future__ import annotations

import contextlib
import socket
import threading


class Relay:
    """Forwards each request on ``port`` to the agent at 127.0.0.1:``agent_port`` and its
    reply back, one at a time, in a thread (a context manager)."""

    def __init__(self, agent_port: int, answered: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.agent = ("127.0.0.1", agent_port)
        self.left = answered
        self.requests: list[bytes] = []  # those forwarded
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as upstream:
            upstream.settimeout(5.0)
            while not self.stopped.is_set():
                try:
                    data, client = self.sock.recvfrom(65535)
                except TimeoutError:
                    continue
                if self.left is not None:
                    if self.left <= 0:
                        continue  # gone quiet
                    self.left -= 1
                self.requests.append(data)
                upstream.sendto(data, self.agent)
                with contextlib.suppress(TimeoutError):
                    self.sock.sendto(upstream.recv(65535), client)

    def __enter__(self) -> Relay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()
