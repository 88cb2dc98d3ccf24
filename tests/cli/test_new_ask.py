"""`cxokr new` on a real terminal: from an empty folder to a checked-in key result by
answering questions, the workspace's choices shown, a bad answer asked again."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import git

ANSWERED = b"\x1e"  # the record separator: no question or answer holds it


def converse(root: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `cxokr ARGS` on a terminal, giving each answer when a question (a line ending
    in ':') is waiting; the exit code and everything the terminal showed, ANSWERED after
    each answer."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxokr", *args, "-w", str(root)],
        stdin=child,
        stdout=child,
        stderr=child,
    )
    os.close(child)
    seen = b""
    try:
        for answer in answers:
            while not seen.rstrip().endswith(b":"):
                seen += _more(main, seen)
            os.write(main, answer.encode() + b"\n")
            seen += ANSWERED
        code = proc.wait(timeout=60)
        while select.select([main], [], [], 0)[0]:
            try:
                seen += os.read(main, 4096)
            except OSError:  # the terminal's other end closed: all was read
                break
    finally:
        os.close(main)
        proc.kill()
    return code, seen.decode().replace("\r", "")


def _more(main: int, seen: bytes) -> bytes:
    if not select.select([main], [], [], 60)[0]:
        raise AssertionError(f"no question came; the terminal showed:\n{seen.decode()}")
    try:
        return os.read(main, 4096)
    except OSError:
        raise AssertionError(f"the command ended first; it showed:\n{seen.decode()}") from None


def test_from_an_empty_folder_to_a_checked_in_key_result_on_a_terminal(
    tmp_path: Path, git_env: None
) -> None:
    root = tmp_path / "okrs"
    root.mkdir()
    assert CliRunner().invoke(app, ["init", str(root), "--org", "Acme"]).exit_code == 0

    code, shown = converse(root, ["new", "team"], ["leadership", "Leadership", "1", "", ""])
    assert code == 0, shown
    assert "levels:\n  1  Executive\n  2  CX leadership\n" in shown
    code, shown = converse(root, ["new", "team"], ["shop", "Shop", "5", "3", "leadership", ""])
    assert code == 0, shown
    assert "  level '5' is not 1, 2, 3 or 4; try again\n" in shown
    assert "  leadership  Leadership (level 1)\n" in shown

    answers = ["basket", "Basket value", "USD", "up", "higher", "", ""]
    code, shown = converse(root, ["new", "metric"], answers)
    assert code == 0, shown
    assert "  direction 'up' is not higher or lower; try again\n" in shown

    answers = ["", "leadership", "Raise basket value", "", "", ""]
    code, shown = converse(root, ["new", "objective"], answers)
    assert code == 0, shown
    assert "objective ID [raise-basket-value]:" in shown

    answers = [
        "",
        "shop",
        "Bigger baskets",
        "",
        "raise-basket-value",
        "leadership/raise-basket-value",
        "",
    ]
    code, shown = converse(root, ["new", "objective"], answers)
    assert code == 0, shown
    assert "objectives to align to:\n" in shown
    assert "  leadership/raise-basket-value  Raise basket value\n" in shown
    assert (
        "  'raise-basket-value' is not a reference: write team/objective, or "
        "PERIOD:team/objective for an objective of another period (e.g. "
        "2026:company/raise-aov); try again\n"
    ) in shown

    answers = ["", "shopp", "shop", "bigger-baskets", "Basket from 58 to 64", "basket-online"]
    answers += ["", "basket", "", "58", "64", "dana"]
    code, shown = converse(root, ["new", "kr"], answers)
    assert code == 0, shown
    assert (
        "  no team 'shopp'; did you mean shop? (add one with: cxokr new team shopp); try again\n"
        in shown
    )
    assert "  basket  Basket value (USD, higher is better)\n" in shown
    assert "  basket has no reading before " in shown
    assert (
        " to start from; give a start (a number, 'first', or a date with a reading); try again\n"
        in shown
    )
    assert "  checklist   a checklist: the weighted share of its items done\n" in shown
    ref = "shop/bigger-baskets/basket-online"
    assert f"\n{ref}\n" in shown

    code, shown = converse(root, ["checkin", ref], ["61", "0.7", "Bundles live"])
    assert code == 0, shown
    assert CliRunner().invoke(app, ["check", "-w", str(root)]).exit_code == 0
    out = CliRunner().invoke(app, ["report", "-w", str(root), "--format", "json"]).stdout
    rows = {k["id"]: k for o in json.loads(out)["objectives"] for k in o["key_results"]}
    assert (rows["basket-online"]["value"], rows["basket-online"]["owner"]) == (61.0, "dana")
    assert git(root, "status", "--porcelain") == ""
    assert len(git(root, "log", "--format=%s").splitlines()) == 8


def flags_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "okrs"
    root.mkdir()
    for args in (
        ["init", str(root), "--org", "Acme"],
        ["new", "team", "shop", "--name", "Shop", "--level", "1", "-w", str(root)],
        ["new", "objective", "shop/grow", "--title", "Grow", "-w", str(root)],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
    return root


def test_a_key_result_given_on_the_command_line_is_asked_only_what_its_type_lacks(
    tmp_path: Path, git_env: None
) -> None:
    root = flags_workspace(tmp_path)
    args = ["new", "kr", "shop/grow/handbook", "--title", "Handbook", "--type", "checklist"]
    code, shown = converse(root, args, ["", "outline=Outline", "", "dana"])
    assert code == 0, shown
    asked = shown.split(ANSWERED.decode())[:-1]
    questions = [
        text.split("\n", 1)[-1].strip() if i else text.strip() for i, text in enumerate(asked)
    ]
    assert questions == [
        "item as ID=Title, |due=DATE and |weight=N if wanted (empty: no more):",
        "a checklist needs at least one item; try again\n"
        "item as ID=Title, |due=DATE and |weight=N if wanted (empty: no more):",
        "item as ID=Title, |due=DATE and |weight=N if wanted (empty: no more):",
        "owner (empty: none):",
    ]
    kr = (root / "okrs").glob("*/shop.yaml").__next__().read_text(encoding="utf-8")
    assert kr.endswith(
        "      - id: handbook\n        title: Handbook\n        type: checklist\n"
        "        items:\n          - id: outline\n            title: Outline\n"
        "        owner: dana\n"
    )


def test_the_end_of_input_while_asking_writes_nothing_and_exits_130(
    tmp_path: Path, git_env: None
) -> None:
    root = flags_workspace(tmp_path)
    head = git(root, "rev-parse", "HEAD")
    code, shown = converse(root, ["new", "team"], ["\x04"])
    assert code == 130, shown
    assert shown.rstrip().endswith("interrupted")
    assert "internal error" not in shown
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""
