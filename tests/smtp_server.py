"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), keeping what it accepts.

It can refuse the next messages with a reply of the test's choosing, or hold
the next one without ever answering, as a server that hangs does.
"""

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    recipients: list[str]
    message: email.message.EmailMessage


@dataclass
class SMTPServer:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    # Replies given to the next DATA commands instead of accepting them.
    refusals: list[str] = field(default_factory=list)
    hold_next: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.hold_next:
            self.hold_next = False
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held, then let go"
        if self.refusals:
            return self.refusals.pop(0)
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 2.0.0 Accepted"

    def wait_for(self, count: int, seconds: float = 30) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_smtp_server() -> Iterator[SMTPServer]:
    """An SMTPServer listening on 127.0.0.1 while the block runs."""
    server = SMTPServer(port=_free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()
