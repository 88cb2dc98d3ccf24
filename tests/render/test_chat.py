"""The chat summary: Markdown and Slack Block Kit, escaped and within the apps' limits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cxokr.compute import remind, report
from cxokr.load import workspace
from cxokr.render import chat
from tests.compute import test_kr_rows
from tests.conftest import WriteFiles, write_files
from tests.render import test_formats

AS_OF = date(2026, 11, 20)


def built(root: Path, **filters: str) -> report.Report:
    return report.build(workspace.load(root), AS_OF, report.Filters(**filters))


def hostile_ws(make_ws: WriteFiles) -> Path:
    return make_ws(
        {
            "okrs/2026/company.yaml": """
                objectives:
                  - id: raise-aov
                    title: "<!channel> | *bold* & <https://evil.example|click>"
                    owner: "<@U123>"
                    key_results:
                      - id: aov
                        title: "stale <!here>"
                        metric: aov
                        segment: online
                        start: 60
                        target: 64
            """
        }
    )


def test_slack_text_has_no_control_sequences(make_ws: WriteFiles) -> None:
    message = chat.slack(built(hostile_ws(make_ws)))
    text = json.dumps(message)
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert "<@U123>" not in text
    assert "<https://evil.example" not in text
    assert "&lt;!channel&gt; | *bold* &amp; &lt;https://evil.example|click&gt;" in text


def test_markdown_keeps_user_text_in_its_table_cell(make_ws: WriteFiles) -> None:
    text = chat.markdown(built(hostile_ws(make_ws)))
    row = next(line for line in text.splitlines() if "channel" in line)
    assert (
        row
        == "| &lt;!channel&gt; \\| \\*bold\\* & &lt;https://evil.example\\|click&gt; | company | 30% | off track |"
    )


def test_long_lists_are_cut_with_a_count(make_ws: WriteFiles) -> None:
    objectives = "\n".join(
        f"""
          - id: goal-{i}
            title: Goal {i}
            key_results:
              - {{id: kr, title: KR {i}, unit: count, start: 0, target: 10}}"""
        for i in range(20)
    )
    root = make_ws({"okrs/2026/company.yaml": "objectives:" + objectives + "\n"})
    result = built(root)
    text = chat.markdown(result)
    assert "| and 8 more objectives in the full report | | | |" in text
    assert (
        f"- and {len(result.attention) - chat.MAX_ATTENTION} more items in the full report" in text
    )
    blocks = chat.slack(result)["blocks"]
    assert len(blocks) <= 50
    assert all(
        len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section" and "text" in b
    )


def test_a_team_summary_lists_the_teams_objectives_not_their_context(make_ws: WriteFiles) -> None:
    text = chat.markdown(built(make_ws(), team="ecommerce"))
    assert "| Shoppers find more to love in every basket | ecommerce |" in text
    assert "Raise AOV 10% this year" not in text
    assert "Filtered by team ecommerce." in text


def test_md_posts_the_markdown_as_text_and_slack_posts_blocks(make_ws: WriteFiles) -> None:
    result = built(make_ws())
    assert chat.payload(result, "md") == {"text": chat.markdown(result)}
    assert chat.payload(result, "slack") == chat.slack(result)


def forms_with_notes(tmp_path: Path, note: str) -> report.Report:
    """The workspace of every form, its off-track and stale NPS key result with a check-in
    `note` of 11-01 (the day of its first reading: stale all the same)."""
    checkins = test_kr_rows.CHECKINS + (
        '    - {"kr": "launch-season/nps-up", "date": "2026-11-01", "note": '
        f"{json.dumps(note)}}}\n"
    )
    files = {**test_kr_rows.FORMS, "checkins/2026-Q4/marketing.yaml": checkins}
    return built(write_files(tmp_path / "ws", files), team="marketing")


def test_an_item_needing_attention_carries_its_latest_note_once(tmp_path: Path) -> None:
    result = forms_with_notes(tmp_path, "Survey moved to December")
    lines = chat.markdown(result).splitlines()
    nps = "NPS up 10% on the first reading (mia, noor)"
    at = lines.index(f"- **off track** {nps}: pace 0.00")
    assert lines[at + 1] == "  - note 2026-11-01: Survey moved to December"
    # the same key result again, stale: its note is not repeated
    stale = lines.index(f"- **stale** {nps}: no update for 19 days")
    assert lines[stale + 1].startswith("- **")
    assert sum("Survey moved" in line for line in lines) == 1
    # an item without a note has no note line
    live = lines.index("- **off track** Campaign live (mia, noor)")
    assert lines[live + 1] == f"- **off track** {nps}: pace 0.00"
    section = json.dumps(chat.slack(result)["blocks"][-2], ensure_ascii=False)
    assert (
        f"• *off track* {nps}: pace 0.00\\n      ↳ note 2026-11-01: Survey moved to December\\n"
    ) in section


def test_a_long_note_is_cut_for_the_chat(tmp_path: Path) -> None:
    result = forms_with_notes(tmp_path, "word " * 100)
    note = next(line for line in chat.markdown(result).splitlines() if "note 2026" in line)
    assert len(note) == len("  - ") + chat.MAX_NOTE
    assert note.startswith("  - note 2026-11-01: word word")
    assert note.endswith("…")


def test_a_hostile_note_is_escaped_in_both_chats(tmp_path: Path) -> None:
    ws = workspace.load(write_files(tmp_path / "ws", test_kr_rows.FORMS))
    result = test_formats.hostile(report.build(ws, AS_OF, report.Filters(team="marketing")))
    md = chat.markdown(result)
    assert test_formats.raw_controls(md) == []
    one_line = "\\x1b\\]0;owned\\x07\\x1b\\[2J\\u202eevil\\u202c over"
    assert f"  - note 2026-11-20: {one_line}" in md.splitlines()
    slack = json.dumps(chat.slack(result), ensure_ascii=False)
    assert test_formats.raw_controls(json.loads(slack)["blocks"][-2]["text"]["text"]) == []
    assert "↳ note 2026-11-20: \\\\x1b]0;owned\\\\x07\\\\x1b[2J\\\\u202eevil\\\\u202c over" in slack


def test_a_note_cannot_ping_a_slack_channel(tmp_path: Path) -> None:
    result = forms_with_notes(tmp_path, "<!channel> see <https://evil.example|this> & more")
    text = json.dumps(chat.slack(result))
    assert "<!channel>" not in text
    assert (
        "note 2026-11-01: &lt;!channel&gt; see &lt;https://evil.example|this&gt; &amp; more" in text
    )


# --- Reminders (`notify --remind`) ----------------------------------------------------------


def hostile_reminders(tmp_path: Path) -> tuple[report.Report, remind.Digest]:
    """A report, and a digest whose owner, title and handle try to reach the markup."""
    from tests.compute.test_remind import OWING

    root = write_files(tmp_path / "ws", dict(OWING))
    result = report.build(workspace.load(root), AS_OF, report.Filters())
    owed = remind.Owed(
        "2026-Q4:ecommerce/grow-basket/aov-online",
        "@channel <!here> *now* | `x`\x1b[2J",
        "never updated",
        None,
    )
    found = remind.Digest(
        (
            remind.Reminder("<!channel>@everyone", "<!channel>", (owed,)),
            remind.Reminder("dana@acme.example", "@dana", (owed,)),
            remind.Reminder("raj@acme.example", "<@U024BE7LH>", (owed,)),
            remind.Reminder(None, None, (owed,)),
        ),
        14,
    )
    return result, found


def test_a_reminder_in_markdown_mentions_by_handle_and_escapes_the_rest(tmp_path: Path) -> None:
    result, found = hostile_reminders(tmp_path)
    text = chat.remind_markdown(result, found)
    assert test_formats.raw_controls(text) == []
    lines = text.splitlines()
    assert lines[0] == "**Acme Retail · check-ins due · 2026-Q4 · as of 2026-11-20**"
    assert lines[2] == (
        "1 key result is stale (no check-in or reading for over 14 days, or none at all), "
        "owed by 3 owners; check in with `cxokr checkin REF`."
    )
    # a handle not of one person's form is dropped; the owner is shown, escaped and inert
    assert "**&lt;!channel&gt;@\u2060everyone**: 1 check-in due" in lines
    assert "**@dana (dana@acme.example)**: 1 check-in due" in lines
    assert "**<@U024BE7LH> (raj@acme.example)**: 1 check-in due" in lines
    assert "**No owner**: 1 check-in due" in lines
    item = (
        "- `ecommerce/grow-basket/aov-online` @\u2060channel &lt;!here&gt; \\*now\\* \\| "
        "\\`x\\`\\x1b\\[2J: never updated"
    )
    assert lines.count(item) == 4


def test_a_reminder_for_slack_mentions_by_user_id_and_escapes_the_rest(tmp_path: Path) -> None:
    result, found = hostile_reminders(tmp_path)
    message = chat.remind_slack(result, found)
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["header", "context", "section"]
    text = blocks[2]["text"]["text"]
    assert test_formats.raw_controls(text) == []
    assert "<!channel>" not in json.dumps(message) and "<!here>" not in json.dumps(message)
    assert text.splitlines()[:2] == [
        "*&lt;!channel&gt;@everyone*: 1 check-in due",
        "• `ecommerce/grow-basket/aov-online` @channel &lt;!here&gt; *now* | `x`\\x1b[2J: "
        "never updated",
    ]
    assert "*<@U024BE7LH> (raj@acme.example)*: 1 check-in due" in text.splitlines()
    assert "*@dana (dana@acme.example)*: 1 check-in due" in text.splitlines()
    assert message["text"].startswith("Acme Retail · check-ins due · 2026-Q4 · as of 2026-11-20: ")


def test_a_long_reminder_is_cut_within_the_chats_limits(tmp_path: Path) -> None:
    result, found = hostile_reminders(tmp_path)
    many = tuple(
        remind.Reminder(f"owner{i}@acme.example", None, found.reminders[1].owed * 12)
        for i in range(60)
    )
    big = remind.Digest(many, 14)
    text = chat.remind_markdown(result, big)
    assert text.count("- and 2 more key results in the full report") == chat.MAX_OWNERS
    assert text.endswith("_and 20 more owners in the full report_\n")
    blocks = chat.remind_slack(result, big)["blocks"]
    assert len(blocks) <= chat.SLACK_BLOCKS
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_nothing_owed_says_so(tmp_path: Path) -> None:
    result, _ = hostile_reminders(tmp_path)
    text = chat.remind_markdown(result, remind.Digest((), 14))
    assert text.splitlines()[2] == (
        "No check-in is due: every key result has an update in the last 14 days."
    )


def test_a_word_starting_at_mentions_no_one_in_the_markdown_summary(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2026/company.yaml": """
                objectives:
                  - id: raise-aov
                    title: "@channel look, mail dana@acme.example"
                    key_results:
                      - {id: kr, title: KR, unit: count, start: 0, target: 10}
            """
        }
    )
    text = chat.markdown(built(root))
    assert "| @\u2060channel look, mail dana@acme.example | company |" in text


def test_a_summary_of_nothing_says_so_not_that_all_is_fine(make_ws: WriteFiles) -> None:
    """A period with no objective yet, and objectives with no key result, are never 'nothing
    needs attention': the chat says what is missing, in both forms."""
    bare = {
        "okrs/2026/company.yaml": "objectives:\n  - {id: raise-aov, title: Raise AOV}\n",
        "okrs/2026-Q4/ecommerce.yaml": None,
        "checkins/2026-Q4/ecommerce.yaml": None,
    }
    unwatched = built(make_ws(bare))
    assert "Nothing to watch: no key results yet." in chat.markdown(unwatched)
    none = built(make_ws({**bare, "okrs/2026/company.yaml": None}))
    said = "No objectives in 2026-Q4 yet. Add one with `cxokr new objective`"
    assert said in chat.markdown(none)
    assert said in json.dumps(chat.slack(none))
    assert "Nothing needs attention." not in chat.markdown(none) + chat.markdown(unwatched)
