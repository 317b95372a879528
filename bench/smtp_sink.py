"""A local SMTP server that accepts every message and notes when, and for whom, it came.

Run by bench/run.py as `python -m bench.smtp_sink --port N --log FILE`: each recipient of each
message is one line "<unix time>\t<address>\t<Message-ID>" in FILE, written as the message is
accepted.

It stands in for the ESP, which in production runs on other machines: the less CPU it takes
from the two cores the site is measured on, the less it disturbs the figures. So it speaks
only the part of SMTP that Django's SMTP backend uses, on asyncio's protocol callbacks, and
parses nothing but the envelope and the Message-ID (the tests' sink, aiosmtpd, costs more per
message: docs/performance.md).
"""

import argparse
import asyncio
import signal
import time

GREETING = b"220 bench.smtp-sink ESMTP\r\n"
EHLO_REPLY = b"250-bench.smtp-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
OK = b"250 OK\r\n"
DATA_REPLY = b"354 End data with <CR><LF>.<CR><LF>\r\n"
ACCEPTED = b"250 Message accepted for delivery\r\n"
BYE = b"221 Bye\r\n"
UNKNOWN = b"500 Command not recognised\r\n"
END_OF_DATA = b"\r\n.\r\n"


def message_id_of(content: bytes) -> str:
    """Return the Message-ID header of a message, or "" if it has none."""
    headers = content.split(b"\r\n\r\n", 1)[0]
    for line in headers.split(b"\r\n"):
        if line[:11].lower() == b"message-id:":
            return line[11:].strip().decode(errors="replace")
    return ""


class SinkSession(asyncio.Protocol):
    """One client connection: commands line by line, then each message's data until its dot."""

    def __init__(self, log_file) -> None:
        self.log_file = log_file
        self.buffer = b""
        self.in_data = False
        self.scanned = 0
        self.recipients: list[str] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(GREETING)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                # Only the end is looked for, from where the last look stopped.
                end = self.buffer.find(END_OF_DATA, max(self.scanned - len(END_OF_DATA), 0))
                if end < 0:
                    self.scanned = len(self.buffer)
                    return
                self._message_accept(self.buffer[2:end])
                self.buffer = self.buffer[end + len(END_OF_DATA) :]
                self.in_data = False
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line = self.buffer[:line_end]
            self.buffer = self.buffer[line_end + 2 :]
            self._command(line)

    def _command(self, line: bytes) -> None:
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            self.transport.write(EHLO_REPLY)
        elif verb == b"MAIL":
            self.recipients = []
            self.transport.write(OK)
        elif verb == b"RCPT":
            address = line.split(b":", 1)[1].split(b">", 1)[0].strip(b" <")
            self.recipients.append(address.decode(errors="replace"))
            self.transport.write(OK)
        elif verb == b"DATA":
            # The data ends with CRLF.CRLF, the first CRLF ending its last line: with one put
            # before it, an empty message ends the same way.
            self.buffer = b"\r\n" + self.buffer
            self.scanned = 0
            self.in_data = True
            self.transport.write(DATA_REPLY)
        elif verb == b"RSET":
            self.recipients = []
            self.transport.write(OK)
        elif verb == b"NOOP":
            self.transport.write(OK)
        elif verb == b"QUIT":
            self.transport.write(BYE)
            self.transport.close()
        else:
            self.transport.write(UNKNOWN)

    def _message_accept(self, content: bytes) -> None:
        now = time.time()
        message_id = message_id_of(content)
        self.log_file.write(
            "".join(f"{now:.6f}\t{rcpt}\t{message_id}\n" for rcpt in self.recipients)
        )
        self.recipients = []
        self.transport.write(ACCEPTED)


async def serve(port: int, log_path: str) -> None:
    # Line-buffered: the driver reads the file while messages arrive.
    with open(log_path, "a", buffering=1, encoding="utf-8") as log_file:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkSession(log_file), "127.0.0.1", port)
        stopped = asyncio.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stopped.set)
        async with server:
            await stopped.wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.smtp_sink")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.log))


if __name__ == "__main__":
    main()
