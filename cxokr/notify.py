"""Posting a message to a chat app's incoming webhook: one deadline, no double post, no leaked secret.

An incoming-webhook URL is a credential: whoever holds it can post to the
channel, and its secret is the path. So no message or error from here
contains more of it than its scheme and host (`shown`), and a URL carrying a
user name or password (`user:pass@`) is refused without repeating it.

Each try has one deadline, `timeout` seconds, for all of it: connecting, the
TLS handshake, sending, and every read of the answer (a server trickling a
byte at a time cannot hold it longer). A POST is not idempotent, so a try is
repeated only when the server cannot have acted on it: the connection failed
before any byte of the request was sent (refused, unreachable, a connect or
handshake timeout), or the server answered 429 Too Many Requests or 503
Service Unavailable, which say it did not take the message. A timeout or a
dropped connection after the request went out, and every other answer, are
final: the message may have been posted, and a second try could post it
twice. Retries wait `backoff` seconds and twice as long before each further
try (or as long as a `Retry-After` header asks, up to a minute). Redirects
are not followed: a redirected POST would be re-sent as a GET, or to a host
nobody chose. Plain urllib, so proxies set in the environment
(`HTTPS_PROXY`) apply.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import math
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPException, responses
from typing import IO, Any
from urllib.parse import urlsplit

from cxokr import __version__
from cxokr.errors import CxokrError, UsageError

MAX_WAIT = 60.0  # seconds: the longest wait between two tries
MAX_TIMEOUT = 3600.0  # seconds: a try's longest deadline
EXCERPT = 200  # characters of an error answer's body worth showing
RETRIED_STATUSES = frozenset({429, 503})  # the server says it did not take the message
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


class WebhookError(CxokrError):
    """The webhook refused the message, or could not be reached."""


@dataclass(frozen=True)
class Delivery:
    status: int
    attempts: int


def shown(url: str) -> str:
    """What a message may show of a webhook URL: its scheme and host (and port)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the webhook"
    host = parts.netloc.rsplit("@", 1)[-1]  # never user:password@
    return f"{parts.scheme}://{host}" if parts.scheme and host else "the webhook"


def check_url(url: str) -> None:
    """Refuse what is not an http(s) URL with a host, or carries a password, without repeating it."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if not port_ok or parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError("the webhook URL must be an https:// (or http://) URL with a host")
    if "@" in parts.netloc:
        raise UsageError(
            "the webhook URL carries a user name or password (user:pass@host), which would be "
            "sent in the clear to any proxy and kept in logs; a webhook's secret is its path: "
            "use the URL the chat app gave, without user:pass@"
        )
    if _UNSAFE.search(url):
        raise UsageError("the webhook URL contains spaces or control characters")


def timeout_problem(seconds: float) -> str | None:
    """Why `seconds` cannot bound a try (None when it can): above 0, at most MAX_TIMEOUT."""
    if math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT:
        return None
    return f"{seconds:g} is not a number of seconds above 0, at most {MAX_TIMEOUT:g}"


def backoff_problem(seconds: float) -> str | None:
    """Why `seconds` cannot be a wait before a retry (None when it can): 0 or more."""
    if math.isfinite(seconds) and seconds >= 0:
        return None
    return f"{seconds:g} is not a number of seconds, 0 or more"


def check_seconds(timeout: float, backoff: float) -> None:
    """Refuse a timeout that is not a number of seconds above 0, or a backoff below 0."""
    for what, problem in (
        ("timeout", timeout_problem(timeout)),
        ("backoff", backoff_problem(backoff)),
    ):
        if problem:
            raise UsageError(f"the {what}: {problem}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer then surfaces as an HTTPError


def post(
    url: str,
    message: dict[str, Any],
    *,
    timeout: float = 10.0,
    retries: int = 3,
    backoff: float = 1.0,
    on_retry: Callable[[int, str, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST `message` as JSON to `url`; try at most `retries` more times while that is safe.

    `timeout` bounds each try as a whole, in seconds. `on_retry(attempt,
    problem, wait)` hears of each failed try that will be retried.
    """
    check_url(url)
    check_seconds(timeout, backoff)
    # ASCII JSON: any text, a lone surrogate too, has a valid encoding.
    body = json.dumps(message).encode("ascii")
    where = shown(url)
    attempt = 0
    while True:
        attempt += 1
        outcome, retry_after = _try(url, body, timeout, where)
        if isinstance(outcome, int):
            return Delivery(outcome, attempt)
        problem = outcome
        if attempt > retries:
            tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
            raise WebhookError(_scrub(f"gave up on {where} after {tries}: {problem}", url))
        wait = min(MAX_WAIT, max(backoff * 2 ** (attempt - 1), retry_after))
        if on_retry is not None:
            on_retry(attempt, _scrub(problem, url), wait)
        sleep(wait)


def _try(url: str, body: bytes, timeout: float, where: str) -> tuple[int | str, float]:
    """One POST: the status it was delivered with, or the problem worth another try and how
    long the server asks to wait. After any other problem, WebhookError."""
    state = _Attempt(_Deadline(timeout))
    opener = urllib.request.build_opener(
        _NoRedirect,
        _Bounded.handler(urllib.request.HTTPHandler, state),
        _Bounded.handler(urllib.request.HTTPSHandler, state),
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"cxokr/{__version__}",
        },
    )
    try:
        with opener.open(request, timeout=state.deadline.left()) as response:
            with contextlib.suppress(OSError, HTTPException):  # the 2xx said it: posted
                response.read(65536)
            return response.status, 0.0
    except urllib.error.HTTPError as exc:
        answer = _answer(exc.code, exc)
        if exc.code not in RETRIED_STATUSES:
            hint = "; redirects are not followed" if 300 <= exc.code < 400 else ""
            raise WebhookError(_scrub(f"{where} answered {answer}{hint}", url)) from None
        return f"answered {answer}", _retry_after(exc.headers)
    except (OSError, HTTPException) as exc:  # URLError is an OSError
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise WebhookError(
                _scrub(f"{where}: the certificate is not trusted ({reason.verify_message})", url)
            ) from None
        if not state.sent:
            return _describe(reason), 0.0
        raise WebhookError(_scrub(_after_sending(where, reason, timeout), url)) from None


def _after_sending(where: str, reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        what = f"no complete answer from {where} within {timeout:g} s"
    else:
        what = f"{where} broke off before answering ({_describe(reason)})"
    return f"{what}; not tried again, as the message may have been posted already"


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; TimeoutError once none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left


@dataclass
class _Attempt:
    deadline: _Deadline
    sent: bool = False  # whether any byte of the request went out


class _Bounded:
    """A connected socket whose every send and receive ends by the attempt's deadline.

    http.client sends through `sendall` and reads through `makefile("rb")`
    alone; before each, the socket's timeout is set to what is left, so the
    whole exchange ends by the deadline however slowly the server trickles.
    """

    def __init__(self, sock: socket.socket, state: _Attempt) -> None:
        self._sock, self._state = sock, state
        self._readers = 0
        self._closed = False

    @staticmethod
    def handler(base: type[urllib.request.AbstractHTTPHandler], state: _Attempt) -> Any:
        """`base` (HTTPHandler or HTTPSHandler) opening its connections with `state`'s deadline."""

        class Handler(base):  # type: ignore[valid-type,misc]
            def do_open(
                self, http_class: type[http.client.HTTPConnection], req: Any, **kw: Any
            ) -> Any:
                return super().do_open(_Bounded.connection(http_class, state), req, **kw)

        return Handler()

    @staticmethod
    def connection(
        base: type[http.client.HTTPConnection], state: _Attempt
    ) -> type[http.client.HTTPConnection]:
        class Connection(base):  # type: ignore[valid-type,misc]
            sock: Any

            def connect(self) -> None:
                # Connecting (and the TLS handshake) waits at most what is left.
                self.timeout = state.deadline.left()
                super().connect()
                self.sock = _Bounded(self.sock, state)

        return Connection

    def _arm(self) -> None:
        self._sock.settimeout(self._state.deadline.left())

    def sendall(self, data: Any) -> None:
        self._state.sent = True
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_Reader(self))

    def close(self) -> None:
        # urllib closes the connection before the body is read: the reader still needs it.
        self._closed = True
        if self._readers == 0:
            self._sock.close()

    def release(self) -> None:
        self._readers -= 1
        if self._closed and self._readers == 0:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Reader(io.RawIOBase):
    def __init__(self, sock: _Bounded) -> None:
        self._bounded = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._bounded.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._bounded.release()
        super().close()


def _answer(code: int, body: IO[bytes]) -> str:
    """`404 Not Found: no_service`: the status and the start of the body, on one line."""
    status = f"{code} {responses.get(code, '')}".strip()
    try:
        text = body.read(4096).decode("utf-8", "replace")
    except (OSError, HTTPException):
        text = ""
    text = " ".join(text.split())
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 1] + "…"
    return f"{status}: {text}" if text else status


def _retry_after(headers: Message | None) -> float:
    value = headers.get("Retry-After", "") if headers is not None else ""
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0  # an HTTP date, or nothing: the backoff decides


def _describe(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
    if not text:
        return type(reason).__name__
    return text[:1].lower() + text[1:] if text[1:2].islower() else text  # not "sSL: ..."


def _scrub(text: str, url: str) -> str:
    """Belt and braces: whatever a library put in a message, not the URL's secret part."""
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text
