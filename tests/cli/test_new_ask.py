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


def converse(root: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `cxokr ARGS` on a terminal, giving each answer when a question (a line ending
    in ':') is waiting; the exit code and everything the terminal showed, `|` after each
    answer."""
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
            seen += b"|"
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
    answers += ["", "basket", "58", "64", "dana"]
    code, shown = converse(root, ["new", "kr"], answers)
    assert code == 0, shown
    assert (
        "  no team 'shopp'; did you mean shop? (add one with: cxokr new team shopp); try again\n"
        in shown
    )
    assert "  basket  Basket value (USD, higher is better)\n" in shown
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
