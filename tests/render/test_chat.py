"""The chat summary: Markdown and Slack Block Kit, escaped and within the apps' limits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cxokr.compute import report
from cxokr.load import workspace
from cxokr.render import chat
from tests.conftest import WriteFiles

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
