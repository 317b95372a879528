"""A local SMTP server standing in for the ESP, for tests that run a real Celery worker.

It can be told to answer as real servers do on a bad day: "451 try later" at RCPT (greylisting)
for a while, "550 no such user" for an address, or a slow reply to DATA while a test kills the
sender.
"""

import asyncio
import email
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from email import policy

import pytest
from aiosmtpd.controller import Controller


def greylisting_until(moment: float) -> Callable[[str], str | None]:
    """Answer every recipient "451 try later" until the monotonic clock reaches `moment`."""
    return lambda address: (
        "451 4.7.1 Greylisted, try again later" if time.monotonic() < moment else None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """What the server received: one parsed message per recipient.

    `rcpt_reply(address)` may return a refusal such as "451 4.7.1 Greylisted" for RCPT;
    `data_hold(addresses)` may return seconds to wait before accepting a message, during which
    `holding` is set.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self.rcpt_attempts: Counter[str] = Counter()
        self.rcpt_reply: Callable[[str], str | None] = lambda address: None
        self.data_hold: Callable[[list[str]], float] = lambda addresses: 0.0
        self.holding = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.rcpt_attempts[address] += 1
        refusal = self.rcpt_reply(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        for _recipient in envelope.rcpt_tos:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        hold = self.data_hold(list(envelope.rcpt_tos))
        if hold:
            # The message is in; its sender is still waiting for the answer.
            self.holding.set()
            await asyncio.sleep(hold)
        return "250 Message accepted for delivery"

    def message_ids_by_recipient(self) -> dict[str, set[str]]:
        """Return, for each recipient, the Message-IDs of the messages it received."""
        received: dict[str, set[str]] = {}
        for message in self.messages:
            received.setdefault(message["To"], set()).add(message["Message-ID"])
        return received

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_sink():
    """Start an SMTP server on a free port; yield what it receives."""
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()
