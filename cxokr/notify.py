"""Posting a message to a chat app's incoming webhook: timeouts, bounded retries, no leaked secret.

An incoming-webhook URL is a credential: whoever holds it can post to the
channel, and its secret is the path. So no message or error from here
contains more of it than its scheme and host (`shown`). Transient failures
(a 5xx answer, 429 Too Many Requests, a refused or dropped connection, a
timeout) are retried a bounded number of times, waiting `backoff` seconds and
twice as long before each further try (or as long as a `Retry-After` header
asks, up to a minute); any other answer outside 2xx is final and reported
with its status and the start of its body. Redirects are not followed: a
redirected POST would be re-sent as a GET, or to a host nobody chose. Plain
urllib, so proxies set in the environment (`HTTPS_PROXY`) apply.
"""

from __future__ import annotations

import json
import re
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
EXCERPT = 200  # characters of an error answer's body worth showing
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
    """Refuse what is not an http(s) URL with a host, without repeating it."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if not port_ok or parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError("the webhook URL must be an https:// (or http://) URL with a host")
    if _UNSAFE.search(url):
        raise UsageError("the webhook URL contains spaces or control characters")


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
    """POST `message` as JSON to `url`; try at most `retries` more times on transient failures.

    `timeout` bounds connecting and each read, in seconds. `on_retry(attempt,
    problem, wait)` hears of each failed try that will be retried.
    """
    check_url(url)
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    where = shown(url)
    attempt = 0
    while True:
        attempt += 1
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": f"cxokr/{__version__}",
            },
        )
        retry_after = 0.0
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(65536)
                return Delivery(response.status, attempt)
        except urllib.error.HTTPError as exc:
            answer = _answer(exc.code, exc)
            if exc.code != 429 and exc.code < 500:
                hint = "; redirects are not followed" if 300 <= exc.code < 400 else ""
                raise WebhookError(_scrub(f"{where} answered {answer}{hint}", url)) from None
            problem = f"answered {answer}"
            retry_after = _retry_after(exc.headers)
        except (OSError, HTTPException) as exc:  # URLError is an OSError
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise WebhookError(
                    _scrub(
                        f"{where}: the certificate is not trusted ({reason.verify_message})", url
                    )
                ) from None
            problem = _describe(reason)
        if attempt > retries:
            tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
            raise WebhookError(_scrub(f"gave up on {where} after {tries}: {problem}", url))
        wait = min(MAX_WAIT, max(backoff * 2 ** (attempt - 1), retry_after))
        if on_retry is not None:
            on_retry(attempt, _scrub(problem, url), wait)
        sleep(wait)


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
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[:1].lower() + reason.strerror[1:]
    return str(reason) or type(reason).__name__


def _scrub(text: str, url: str) -> str:
    """Belt and braces: whatever a library put in a message, not the URL's secret part."""
    parts = urlsplit(url)
    for secret in (url, parts.path, parts.query):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text
