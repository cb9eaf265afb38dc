"""Real servers on loopback that stand in for the providers: SMTP (aiosmtpd) and Twilio.

Both record what they received and can be told how to answer the next requests, so that
tests can make them refuse, fail or drop the connection.
"""

import asyncio
import base64
import json
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode
from urllib.request import Request, urlopen

from aiosmtpd.controller import Controller
from twilio.request_validator import RequestValidator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClosingListener:
    """A port where something answers every connection by closing it at once (a broker that
    is not serving), counting the connections: how often a client tried before giving up."""

    def __init__(self):
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.close()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            connection.close()


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage
    peer: tuple = ()  # the client's address and port: one per SMTP connection

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class RecordingHandler:
    """Accepts mail into ``received``; ``refuse_next`` answers that many DATA commands with
    the given reply instead, and ``reject_recipients`` refuses those addresses at RCPT.
    ``on_data``, if set, is called (in a thread of its own) with each accepted message
    before the server answers the DATA command. ``hang_up_after`` closes the connection after
    answering that many more DATA commands with 421 (a server going away mid-session)."""

    def __init__(self):
        self.received: list[ReceivedMail] = []
        self.hang_up_after: int | None = None
        self.refusals: deque[str] = deque()
        self.reject_recipients: dict[str, str] = {}
        self.data_commands = 0
        self.on_data = None

    def refuse_next(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        self.refusals.extend([reply] * count)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject_recipients:
            return self.reject_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.hang_up_after is not None:
            if self.hang_up_after == 0:
                self.hang_up_after = None
                asyncio.get_running_loop().call_soon(server.transport.close)
                return "421 4.3.2 Service shutting down"
            self.hang_up_after -= 1
        if self.refusals:
            return self.refusals.popleft()
        mail = ReceivedMail(
            envelope_from=envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
            message=message_from_bytes(envelope.original_content, policy=policy.default),
            peer=tuple(session.peer),
        )
        if self.on_data is not None:
            await asyncio.to_thread(self.on_data, mail)
        self.received.append(mail)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


# --- Twilio's Messages API ---------------------------------------------------------------------


@dataclass
class TwilioRequest:
    path: str
    account_sid: str
    auth: tuple[str, str]
    form: dict[str, str]
    sid: str = ""


@dataclass
class TwilioServer:
    """Answers POST /2010-04-01/Accounts/{sid}/Messages.json like Twilio does.

    ``answers`` is a queue of what to do with the next requests: "ok" (201), an HTTP status
    (e.g. 500), ``(429, retry_after)``, an error resource as a dict (``{"status": 400,
    "code": 21211, "message": ...}``), "drop" (read the request, close without a reply) or
    "slow" (take the message, answer after a second).
    When it is empty every request gets "ok".

    ``callbacks`` are the statuses (e.g. "sent", "delivered") that it then posts to each
    accepted message's StatusCallback, signed with the auth token as Twilio signs them,
    before it answers the API request (a fast network can do that to us); their HTTP
    statuses are kept in ``callback_responses``. ``on_accept``, if set, is called with the
    form of each accepted message before those callbacks.
    """

    account_sid: str
    auth_token: str
    requests: list[TwilioRequest] = field(default_factory=list)
    answers: deque = field(default_factory=deque)
    callbacks: list[str] = field(default_factory=list)
    callback_responses: list[int] = field(default_factory=list)
    on_accept: object = None

    def start(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def sent(self) -> list[TwilioRequest]:
        """The requests that Twilio would have turned into a message (answered 201)."""
        return [request for request in self.requests if getattr(request, "accepted", False)]

    def post_status_callback(self, url: str, params: dict[str, str]) -> int:
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        request = Request(
            url, data=urlencode(params).encode(), headers={"X-Twilio-Signature": signature}
        )
        try:
            with urlopen(request, timeout=10) as response:
                return response.status
        except HTTPError as error:
            return error.code

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {key: values[0] for key, values in parse_qs(body).items()}
                auth = ("", "")
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                    auth = (user, password)
                parts = self.path.split("/")
                account = parts[3] if len(parts) > 3 else ""
                request = TwilioRequest(path=self.path, account_sid=account, auth=auth, form=form)
                server.requests.append(request)
                answer = server.answers.popleft() if server.answers else "ok"

                if auth != (server.account_sid, server.auth_token):
                    return self._json(401, {"code": 20003, "message": "Authenticate"})
                if not self.path.endswith(
                    f"/2010-04-01/Accounts/{server.account_sid}/Messages.json"
                ):
                    return self._json(404, {"code": 20404, "message": "Not found"})
                if answer == "slow":  # answers after the client has given up waiting
                    time.sleep(1.0)
                    answer = "ok"
                if answer == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if isinstance(answer, dict):  # Twilio's error resource, e.g. 400 / 21211
                    return self._json(answer["status"], answer)
                if isinstance(answer, tuple):
                    status, retry_after = answer
                    return self._json(
                        status,
                        {"code": 20429, "message": "Too Many Requests", "status": status},
                        headers={"Retry-After": str(retry_after)},
                    )
                if answer != "ok":
                    return self._json(
                        answer, {"code": 20500, "message": "Internal error", "status": answer}
                    )
                request.accepted = True
                sid = request.sid = "SM" + uuid.uuid4().hex
                if server.on_accept is not None:
                    server.on_accept(form)
                for status in server.callbacks:
                    params = {
                        "AccountSid": server.account_sid,
                        "MessageSid": sid,
                        "MessageStatus": status,
                        "To": form.get("To", ""),
                    }
                    server.callback_responses.append(
                        server.post_status_callback(form["StatusCallback"], params)
                    )
                return self._json(
                    201,
                    {
                        "sid": sid,
                        "account_sid": server.account_sid,
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "messaging_service_sid": form.get("MessagingServiceSid"),
                        "body": form.get("Body"),
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": f"/2010-04-01/Accounts/{server.account_sid}/Messages/{sid}.json",
                    },
                )

            def _json(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


# --- An e-mail provider's HTTP API (Postmark's, for anymail) ----------------------------------


@dataclass
class JsonApiServer:
    """Answers every POST with the next ``(status, payload)`` of ``answers``, else ``default``;
    records each request's path, headers and JSON body."""

    default: tuple = (200, {})
    answers: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)

    def start(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, dict(self.headers), body))
                status, payload = server.answers.popleft() if server.answers else server.default
                if callable(payload):
                    payload = payload(body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
