"""`cxokr notify` against a real HTTP server on 127.0.0.1, started by each test."""

from __future__ import annotations

import json
import math
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cxokr import notify
from cxokr.cli import app
from cxokr.errors import UsageError

EXAMPLE = str(Path(__file__).parent.parent / "examples" / "retail-cx")
SECRET = "/services/T000/B000/s3cr3t-t0ken"
PROXIES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    hang_up: bool = False  # read the request, then close without an answer
    head: bytes = b""  # the start of a raw answer, written at once
    trickle: bytes = b""  # the rest of it, written a byte every `delay` seconds


@dataclass
class Hook:
    """A webhook that answers from a script and records what it was sent."""

    answers: list[Answer]
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    host: str = ""  # scheme, host and port: all a message may show
    trickled: int = 0  # bytes of a trickled answer written before the client left

    @property
    def url(self) -> str:
        return self.host + SECRET

    def message(self, index: int = -1) -> Any:
        return json.loads(self.received[index][2])


class HookServer(ThreadingHTTPServer):
    """A server on 127.0.0.1, on a free port, whose handler answers for `hook`."""

    daemon_threads = True

    def __init__(self, hook: Hook) -> None:
        super().__init__(("127.0.0.1", 0), HookHandler)
        self.hook = hook


class HookHandler(BaseHTTPRequestHandler):
    """Records each POST in the server's hook and answers with its next scripted answer."""

    server: HookServer

    def do_POST(self) -> None:
        hook = self.server.hook
        length = int(self.headers.get("Content-Length", "0"))
        hook.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        answer = hook.answers.pop(0) if len(hook.answers) > 1 else hook.answers[0]
        if answer.hang_up:
            self.close_connection = True
            return
        if answer.trickle:
            self.trickle(answer)
            return
        time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            pass  # the client gave up waiting

    def trickle(self, answer: Answer) -> None:
        self.wfile.write(answer.head)
        for byte in answer.trickle:
            try:
                self.wfile.write(bytes([byte]))
            except OSError:
                return  # the client hung up
            self.server.hook.trickled += 1
            time.sleep(answer.delay)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in PROXIES:  # 127.0.0.1 is reached directly
        monkeypatch.delenv(name, raising=False)
    servers: list[HookServer] = []

    def start(*answers: Answer) -> Hook:
        hook = Hook(list(answers))
        server = HookServer(hook)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        hook.host = f"http://127.0.0.1:{server.server_port}"
        return hook

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        ["notify", "-w", EXAMPLE, "--as-of", "2026-11-20", "--backoff", "0.01", *args],
        env=env,
    )
    return result.exit_code, result.stdout, result.stderr


def test_posts_the_markdown_summary(serve: Any) -> None:
    hook = serve(Answer())
    code, out, errors = run("--webhook", hook.url)
    assert code == 0
    assert out == ""
    assert errors == f"posted the report to {hook.host}\n"
    path, headers, _ = hook.received[0]
    assert path == SECRET
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    text = hook.message()["text"]
    assert text.startswith("**Northwind Outfitters · OKR report 2026-Q4 · as of 2026-11-20**")
    assert "organization 82% (expected 89%, day 51 of 92)" in text  # the year goals' 324 / 365
    assert "| Raise average order value 10% this year | company | 68% | at risk |" in text
    assert "- **breached** Keep checkout LCP under 2.5 s while we add bundles" in text


def test_posts_a_slack_block_kit_message(serve: Any) -> None:
    hook = serve(Answer())
    assert run("--webhook", hook.url, "--format", "slack", "--team", "ecommerce")[0] == 0
    message = hook.message()
    assert message["text"].startswith("Northwind Outfitters · OKR report 2026-Q4")
    assert message["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Northwind Outfitters · OKR report 2026-Q4 · as of 2026-11-20",
            "emoji": False,
        },
    }
    sections = "\n".join(b["text"]["text"] for b in message["blocks"] if "text" in b)
    # Its breached guardrail is to hold (expected 1): (3 · 51/92 + 1) / 4 = 245/368 expected,
    # pace 0.3952 / 0.6658 = 0.59 < 0.6 (DESIGN §2.3)
    assert "Shoppers find more to love in every basket · ecommerce · off track" in sections
    assert "Raise average order value" not in sections  # a parent, shown only for context
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if "text" in b)


def test_the_url_comes_from_the_environment(serve: Any) -> None:
    hook = serve(Answer())
    code, _, _ = run(env={"CXOKR_WEBHOOK_URL": hook.url})
    assert code == 0
    assert len(hook.received) == 1


def test_retries_a_503_then_succeeds(serve: Any) -> None:
    hook = serve(Answer(503, b"try later"), Answer(503, b"try later"), Answer(200))
    code, _, errors = run("--webhook", hook.url)
    assert code == 0
    assert len(hook.received) == 3
    assert hook.received[0][2] == hook.received[2][2]  # the same message each time
    lines = errors.splitlines()
    assert (
        lines[0]
        == "attempt 1 failed: answered 503 Service Unavailable: try later; trying again in 0.01 s"
    )
    assert lines[1].startswith("attempt 2 failed: answered 503 Service Unavailable")
    assert lines[2].endswith("on attempt 3")


def test_a_404_fails_at_once_with_status_and_body(serve: Any) -> None:
    hook = serve(Answer(404, b"no_service"))
    code, out, errors = run("--webhook", hook.url)
    assert code == 1
    assert out == ""
    assert errors == f"error: {hook.host} answered 404 Not Found: no_service\n"
    assert len(hook.received) == 1


def test_gives_up_after_the_retries(serve: Any) -> None:
    hook = serve(Answer(503, b"<html>\n  <body>Down   for a bit</body>\n</html>"))
    code, _, errors = run("--webhook", hook.url, "--retries", "2")
    assert code == 1
    assert len(hook.received) == 3
    assert errors.splitlines()[-1].endswith(
        "after 3 attempts: answered 503 Service Unavailable: <html> <body>Down for a bit</body> </html>"
    )


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_is_not_retried_as_the_message_may_be_posted(
    serve: Any, status: int
) -> None:
    hook = serve(Answer(status, b"oops"))
    code, _, errors = run("--webhook", hook.url)
    assert code == 1
    assert len(hook.received) == 1
    assert errors.startswith(f"error: {hook.host} answered {status} ")


def test_a_slow_webhook_times_out_and_is_not_retried(serve: Any) -> None:
    hook = serve(Answer(delay=1.0))
    code, _, errors = run("--webhook", hook.url, "--timeout", "0.2", "--retries", "1")
    assert code == 1
    assert len(hook.received) == 1
    assert errors == (
        f"error: no complete answer from {hook.host} within 0.2 s; not tried again, "
        "as the message may have been posted already\n"
    )


def test_a_trickling_server_is_cut_at_the_deadline(serve: Any) -> None:
    """A byte every 50 ms never trips a per-read timeout; the one deadline cuts it."""
    slow = b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * 200 + b"\r\nContent-Length: 2\r\n\r\nok"
    hook = serve(Answer(delay=0.05, trickle=slow))
    code, _, errors = run("--webhook", hook.url, "--timeout", "0.5")
    assert code == 1
    assert hook.trickled < len(slow)
    assert errors.startswith(f"error: no complete answer from {hook.host} within 0.5 s")
    assert len(hook.received) == 1


def test_a_2xx_whose_body_trickles_past_the_deadline_is_posted(serve: Any) -> None:
    head = b"HTTP/1.0 200 OK\r\nContent-Length: 200\r\n\r\n"
    hook = serve(Answer(delay=0.05, head=head, trickle=b"a" * 200))
    code, _, errors = run("--webhook", hook.url, "--timeout", "0.5")
    assert code == 0
    assert errors == f"posted the report to {hook.host}\n"
    assert len(hook.received) == 1


def test_a_server_that_hangs_up_after_reading_gets_exactly_one_post(serve: Any) -> None:
    hook = serve(Answer(hang_up=True))
    code, _, errors = run("--webhook", hook.url, "--retries", "3")
    assert code == 1
    assert len(hook.received) == 1
    assert json.loads(hook.received[0][2])["text"].startswith("**Northwind Outfitters")
    assert errors == (
        f"error: {hook.host} broke off before answering (remote end closed connection without "
        "response); not tried again, as the message may have been posted already\n"
    )


def test_a_closed_port_is_retried_then_reported() -> None:
    code, _, errors = run("--webhook", "http://127.0.0.1:1" + SECRET, "--retries", "1")
    assert code == 1
    assert errors.splitlines()[-1] == (
        "error: gave up on http://127.0.0.1:1 after 2 attempts: connection refused"
    )


def test_redirects_are_not_followed(serve: Any) -> None:
    hook = serve(Answer(302, b"", headers={"Location": "http://127.0.0.1:1/elsewhere"}))
    code, _, errors = run("--webhook", hook.url)
    assert code == 1
    assert "answered 302 Found; redirects are not followed" in errors
    assert len(hook.received) == 1


def test_no_message_shows_the_secret(serve: Any) -> None:
    hook = serve(Answer(503), Answer(400, b"invalid_payload"))
    code, out, errors = run("--webhook", hook.url)
    assert code == 1
    assert "s3cr3t" not in out + errors
    assert "/services" not in out + errors


def test_without_a_url_it_is_a_usage_error() -> None:
    code, _, errors = run(env={"CXOKR_WEBHOOK_URL": ""})
    assert code == 2
    assert errors == "error: no webhook URL: pass --webhook URL or set CXOKR_WEBHOOK_URL\n"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "https:///nohost", "https://h:99999/x"]
)
def test_other_schemes_are_refused_without_echoing_the_url(url: str) -> None:
    code, _, errors = run("--webhook", url)
    assert code == 2
    assert url not in errors
    assert "must be an https:// (or http://) URL with a host" in errors


def test_dry_run_prints_the_message_and_posts_nothing() -> None:
    code, out, _ = run("--dry-run", "--format", "slack", env={"CXOKR_WEBHOOK_URL": ""})
    assert code == 0
    assert json.loads(out)["blocks"][0]["type"] == "header"


def test_retry_after_is_honoured_up_to_a_minute(serve: Any) -> None:
    hook = serve(Answer(429, b"slow down", headers={"Retry-After": "3600"}), Answer(200))
    waits: list[float] = []
    delivery = notify.post(hook.url, {"text": "hi"}, backoff=0.01, sleep=waits.append)
    assert delivery == notify.Delivery(200, 2)
    assert waits == [notify.MAX_WAIT]


def test_backoff_doubles(serve: Any) -> None:
    hook = serve(Answer(503))
    waits: list[float] = []
    with pytest.raises(notify.WebhookError):
        notify.post(hook.url, {"text": "hi"}, retries=3, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]


def test_shown_keeps_only_scheme_and_host() -> None:
    assert notify.shown("https://user:pw@hooks.example.com:8443/services/x?token=y") == (
        "https://hooks.example.com:8443"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pa55word@hooks.example.com/services/x",
        "https://user@hooks.example.com/services/x",
        "https://:pa55word@hooks.example.com/services/x",
    ],
)
def test_a_url_with_a_user_or_password_is_refused_without_echoing_it(serve: Any, url: str) -> None:
    hook = serve(Answer())
    url = url.replace("https://", "http://").replace("hooks.example.com", hook.host[7:])
    for args, env in (
        (["--webhook", url], None),
        ([], {"CXOKR_WEBHOOK_URL": url}),
        (["--webhook", url, "--dry-run"], None),
    ):
        code, out, errors = run(*args, env=env)
        assert code == 2, errors
        assert "pa55word" not in out + errors
        assert "user:pass@host" in errors
    assert hook.received == []


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "inf"),
        ("--timeout", "nan"),
        ("--timeout", "-1"),
        ("--timeout", "0"),
        ("--timeout", "1e12"),
        ("--backoff", "inf"),
        ("--backoff", "nan"),
        ("--backoff", "-1"),
    ],
)
def test_seconds_that_are_not_a_duration_are_a_usage_error(option: str, value: str) -> None:
    code, _, errors = run("--webhook", "http://127.0.0.1:1/x", option, value)
    assert code == 2
    assert f"Invalid value for '{option}'" in errors


def test_post_refuses_a_timeout_that_bounds_nothing() -> None:
    for timeout in (math.inf, math.nan, 0.0):
        with pytest.raises(UsageError):
            notify.post("http://127.0.0.1:1/x", {"text": "hi"}, timeout=timeout)


def test_a_report_without_some_files_is_posted_with_a_warning(serve: Any, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    (root / "okrs" / "2026-Q4" / "support.yaml").write_text("objectives: [\n", encoding="utf-8")
    hook = serve(Answer())
    result = CliRunner().invoke(
        app, ["notify", "-w", str(root), "--as-of", "2026-11-20", "--webhook", hook.url]
    )
    assert result.exit_code == 1
    assert len(hook.received) == 1
    assert result.stderr.splitlines()[1:] == [  # after the warning that root is not in git
        f"posted the report to {hook.host}",
        "warning: okrs/2026-Q4/support.yaml failed to load; the figures leave it out "
        "(cxokr check says why)",
    ]


def test_an_answer_cannot_drive_the_terminal(serve: Any) -> None:
    """The server's words reach stderr through the error boundary, controls escaped."""
    hook = serve(
        Answer(503, b"\x1b[2J\x1b]0;owned\x07 retry\xc2\x9b"),
        Answer(404, b"\x1b[32mOK\xe2\x80\xae"),
    )
    code, _, errors = run("--webhook", hook.url, "--retries", "1")
    assert code == 1
    assert errors.splitlines() == [
        "attempt 1 failed: answered 503 Service Unavailable: \\x1b[2J\\x1b]0;owned\\x07 retry\\x9b; "
        "trying again in 0.01 s",
        f"error: {hook.host} answered 404 Not Found: \\x1b[32mOK\\u202e",
    ]


# --- Filters that choose nothing, and reminders -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--team", "ecomerce"],
            "error: no team 'ecomerce' in the workspace; did you mean 'ecommerce'?",
        ),
        (
            ["--owner", "dan"],
            "error: no owner 'dan' in the OKR files; did you mean 'dana.cho@northwind.example'?",
        ),
        (
            ["--team", "ecommerce", "--period", "2026-Q3"],
            "error: nothing to post: no objectives in 2026-Q3 match team ecommerce; pass "
            "--post-empty to post it anyway",
        ),
        (
            ["--remind", "--owner", "dana", "--period", "2026-Q3"],
            "error: nothing to post: no objectives in 2026-Q3 match owner "
            "dana.cho@northwind.example; pass --post-empty to post it anyway",
        ),
    ],
)
def test_filters_that_choose_nothing_post_nothing(
    serve: Any, args: list[str], message: str
) -> None:
    hook = serve(Answer())
    code, out, errors = run("--webhook", hook.url, *args)
    assert (code, out, errors) == (2, "", message + "\n")
    assert hook.received == []
    # a dry run refuses what the real run would
    assert run("--dry-run", *args) == (2, "", message + "\n")


def test_post_empty_posts_a_summary_that_chose_nothing(serve: Any) -> None:
    hook = serve(Answer())
    code, _, errors = run(
        "--webhook", hook.url, "--team", "ecommerce", "--period", "2026-Q3", "--post-empty"
    )
    assert code == 0
    assert errors.splitlines() == [f"posted the report to {hook.host}"]
    assert "Filtered by team ecommerce." in hook.message()["text"]


def test_owner_as_people_type_it_picks_their_work() -> None:
    code, out, _ = run("--dry-run", "--owner", "Dana Cho")
    assert code == 0
    text = json.loads(out)["text"]
    assert "Filtered by owner dana.cho@northwind.example." in text
    assert "| Shoppers find more to love in every basket | ecommerce |" in text


def with_handles(tmp_path: Path, handles: str) -> str:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    with (root / "cxokr.yaml").open("a", encoding="utf-8") as config:
        config.write(f"chat:\n  handles:\n{handles}")
    return str(root)


HANDLES = """\
    Amira.Haddad@northwind.example: "<@U024BE7LH>"
    ben.walsh@northwind.example: "@ben"
"""
STORES = "stores/fast-pickup"


def test_remind_dry_run_in_markdown_without_handles() -> None:
    code, out, errors = run("--remind", "--dry-run")
    assert (code, errors) == (0, "")
    assert json.loads(out) == {
        "text": "**Northwind Outfitters · check-ins due · 2026-Q4 · as of 2026-11-20**\n\n"
        "3 key results are stale (no check-in or reading for over 14 days, or none at all), "
        "owed by 3 owners; check in with `cxokr checkin REF`.\n\n"
        "**amira.haddad@northwind.example**: 1 check-in due\n"
        f"- `{STORES}/pickup-wait` Cut click & collect wait from 12 to 5 minutes: "
        "no update for 17 days\n\n"
        "**ben.walsh@northwind.example**: 1 check-in due\n"
        f"- `{STORES}/pickup-lockers` Self-service pickup lockers in 25 stores: "
        "no update for 17 days\n\n"
        "**oliver.grant@northwind.example**: 1 check-in due\n"
        "- `stores/endless-aisle/endless-aisle-stores` Endless-aisle ordering live in 40 "
        "stores: no update for 17 days\n"
    }


def test_remind_dry_run_in_markdown_mentions_by_handle(tmp_path: Path) -> None:
    code, out, _ = run("--remind", "--dry-run", "-w", with_handles(tmp_path, HANDLES))
    assert code == 0
    lines = json.loads(out)["text"].splitlines()
    assert "**<@U024BE7LH> (amira.haddad@northwind.example)**: 1 check-in due" in lines
    assert "**@ben (ben.walsh@northwind.example)**: 1 check-in due" in lines
    assert "**oliver.grant@northwind.example**: 1 check-in due" in lines


def test_remind_dry_run_for_slack_with_and_without_handles(tmp_path: Path) -> None:
    code, out, _ = run("--remind", "--dry-run", "-f", "slack", "--owner", "ben")
    assert code == 0
    message = json.loads(out)
    assert message["blocks"][2] == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*ben.walsh@northwind.example*: 1 check-in due\n"
            f"• `{STORES}/pickup-lockers` Self-service pickup lockers in 25 stores: "
            "no update for 17 days",
        },
    }
    ws = with_handles(tmp_path, HANDLES)
    code, out, _ = run("--remind", "--dry-run", "-f", "slack", "--team", "stores", "-w", ws)
    text = json.loads(out)["blocks"][2]["text"]["text"]
    assert text.splitlines()[0] == "*<@U024BE7LH> (amira.haddad@northwind.example)*: 1 check-in due"
    assert text.splitlines()[1] == (
        f"• `{STORES}/pickup-wait` Cut click &amp; collect wait from 12 to 5 minutes: "
        "no update for 17 days"
    )


def test_remind_with_nothing_due_posts_nothing(serve: Any) -> None:
    hook = serve(Answer())
    code, out, errors = run("--webhook", hook.url, "--remind", "--team", "ecommerce")
    assert (code, out) == (0, "")
    assert errors == "nothing to remind: no check-in is due (pass --post-empty to post that)\n"
    assert hook.received == []
    code, _, _ = run("--webhook", hook.url, "--remind", "--team", "ecommerce", "--post-empty")
    assert code == 0
    assert hook.message()["text"].splitlines()[2] == (
        "No check-in is due: every key result has an update in the last 14 days."
    )


def test_remind_posts_the_digest(serve: Any) -> None:
    hook = serve(Answer())
    code, _, errors = run("--webhook", hook.url, "--remind", "--owner", "oliver")
    assert code == 0
    assert errors == f"posted the report to {hook.host}\n"
    assert "**oliver.grant@northwind.example**: 1 check-in due" in hook.message()["text"]


def test_a_handle_for_everyone_stops_the_command(tmp_path: Path) -> None:
    ws = with_handles(tmp_path, '    ben.walsh@northwind.example: "<!channel>"\n')
    code, out, errors = run("--remind", "--dry-run", "-w", ws)
    assert (code, out) == (2, "")
    assert errors.splitlines()[-1] == "error: cxokr.yaml could not be read; run 'cxokr check'"
