"""Stand-ins for the providers, each run as a process of its own by the benchmarks.

    python benchmarks/servers.py smtp PORT LOG      # an SMTP server (aiosmtpd) on loopback
    python benchmarks/servers.py twilio PORT LOG    # Twilio's Messages API, keep-alive

Each accepted message appends one line to LOG: the recipient and the message's id (its
Message-ID header, or the SID given out), so that the benchmark counts what arrived and
finds any message that arrived twice. Both print "ready" on stdout once they listen.
"""

import asyncio
import json
import re
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def serve_smtp(port: int, log_path: str) -> None:
    from aiosmtpd.controller import Controller

    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    class Recording:
        async def handle_DATA(self, server, session, envelope):
            found = MESSAGE_ID.search(envelope.original_content or b"")
            message_id = found.group(1).decode() if found else "-"
            log.write(f"{','.join(envelope.rcpt_tos)}\t{message_id}\n")
            return "250 Message accepted for delivery"

    controller = Controller(Recording(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


def serve_twilio(port: int, log_path: str) -> None:
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps the connection open, as Twilio's API does
        # Headers and body leave in two writes: without this, the body of every answer on a
        # kept-open connection waits for the client's delayed ACK (40 ms on Linux).
        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            sid = "SM" + uuid.uuid4().hex
            log.write(f"{form.get('To', '')}\t{sid}\n")
            body = json.dumps(
                {
                    "sid": sid,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "api_version": "2010-04-01",
                }
            ).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    kind, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    {"smtp": serve_smtp, "twilio": serve_twilio}[kind](port, log_path)
