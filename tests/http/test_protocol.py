"""Every connection `triage serve` accepts has Nagle's algorithm off, also when uvicorn
binds the socket itself (--workers N: proto 0, which asyncio does not treat as TCP)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from uvicorn.protocols.http.h11_impl import H11Protocol

from triage.http.protocol import NoDelayH11Protocol


class Transport:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> Any:
        return self.sock if name == "socket" else None


def test_an_accepted_connection_gets_tcp_nodelay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(H11Protocol, "connection_made", lambda self, transport: None)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:  # as uvicorn binds
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.proto == 0  # what asyncio would not set TCP_NODELAY for
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
                protocol = NoDelayH11Protocol.__new__(NoDelayH11Protocol)
                protocol.connection_made(Transport(accepted))  # type: ignore[arg-type]
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            assert client.fileno() >= 0
