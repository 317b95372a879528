"""A local SMTP server that accepts every message and notes when, and for whom, it came.

Run by bench/run.py as `python -m bench.smtp_sink --port N --log FILE`: each recipient of each
message is one line "<unix time>\t<address>\t<Message-ID>" in FILE, written as the message is
accepted.
"""

import argparse
import signal
import threading
import time

from aiosmtpd.controller import Controller


class RecipientLog:
    def __init__(self, path: str) -> None:
        # Line-buffered: the driver reads the file while messages arrive.
        self.file = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.time()
        message_id = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break  # the end of the headers
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode(errors="replace")
        self.file.write("".join(f"{now:.6f}\t{rcpt}\t{message_id}\n" for rcpt in envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.smtp_sink")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    controller = Controller(RecipientLog(args.log), hostname="127.0.0.1", port=args.port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
