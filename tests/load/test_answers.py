"""The kept-answers store and the workspace's fingerprint: what the loader looks at, by
content; answers signed, bounded, and believed only under their own key."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from cxokr.load import answers, cache, workspace
from cxokr.load.cache import STAMP, Cache
from cxokr.load.kinds import KINDS
from cxokr.load.source import Signature
from tests.conftest import WriteFiles, write_files


def known(root: Path) -> dict[str, tuple[Signature, bytes]]:
    """Every read file's signature and content key, as the index holds them once settled."""
    survey = answers.look(root)
    return {
        rel: (sig, Cache.key(_kind(rel), (root / rel).read_bytes()))
        for rel, sig in survey.read.items()
    }


def _kind(rel: str) -> str:
    return (
        next(k.name for k in KINDS if k.folder and rel.startswith(k.folder + "/"))
        if "/" in rel
        else "config"
    )


def test_the_survey_checks_every_file_the_loader_reads(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/notes.txt": "not read\n", "teams/Bad_Name.yaml": "name: x\n"})
    loaded = workspace.load(root)
    survey = answers.look(root)
    assert {p.path for p in loaded.problems} == {"teams/notes.txt", "teams/Bad_Name.yaml"}
    assert "teams/notes.txt" not in survey.read and "teams/notes.txt" in survey.unread
    assert "teams/Bad_Name.yaml" in survey.unread
    assert set(survey.read) == {
        "cxokr.yaml",
        "teams/company.yaml",
        "teams/ecommerce.yaml",
        "metrics/aov.yaml",
        "okrs/2026/company.yaml",
        "okrs/2026-Q4/ecommerce.yaml",
        "checkins/2026-Q4/ecommerce.yaml",
        "readings/aov.yaml",
    }


def test_no_fingerprint_without_every_read_file_s_signature(make_ws: WriteFiles) -> None:
    root = make_ws()
    files = known(root)
    assert answers.look(root).fingerprint(files) is not None
    del files["readings/aov.yaml"]
    assert answers.look(root).fingerprint(files) is None


def test_a_changed_signature_leaves_no_fingerprint(make_ws: WriteFiles) -> None:
    root = make_ws()
    files = known(root)
    write_files(root, {"teams/company.yaml": "name: Executive team\nlevel: 1\n# edited\n"})
    assert answers.look(root).fingerprint(files) is None


def test_the_fingerprint_is_of_the_content_and_of_every_name(make_ws: WriteFiles) -> None:
    root = make_ws()
    files = known(root)
    first = answers.look(root).fingerprint(files)
    assert answers.look(root).fingerprint(files) == first
    (root / "okrs" / "2026-Q5").mkdir()  # a new period folder: listed, holding nothing
    assert answers.look(root).fingerprint(files) not in (None, first)
    (root / "okrs" / "2026-Q5").rmdir()
    assert answers.look(root).fingerprint(files) == first
    other = {rel: (sig, b"\0" * 20) for rel, (sig, _) in files.items()}
    assert answers.look(root).fingerprint(other) not in (None, first)


def test_a_link_out_of_the_workspace_leaves_no_fingerprint(make_ws: WriteFiles) -> None:
    root = make_ws()
    outside = root.parent / "outside.yaml"
    outside.write_text("name: Elsewhere\nlevel: 3\n", encoding="utf-8")
    (root / "teams" / "elsewhere.yaml").symlink_to(outside)
    survey = answers.look(root)
    assert not survey.clean
    assert survey.fingerprint(known(root)) is None


def test_an_answer_is_read_back_under_its_own_key_only(make_ws: WriteFiles) -> None:
    root = make_ws()
    store = answers.Answers(root)
    store.keep(b"k" * 32, b"the answer", known(root))
    again = answers.Answers(root)
    assert again.recall(b"k" * 32) == b"the answer"
    assert again.recall(b"j" * 32) is None
    assert again.files == known(root)


@pytest.mark.parametrize("field", ["stamp", "root", "key"])
def test_an_answer_of_another_version_workspace_or_key_is_not_believed(
    make_ws: WriteFiles, field: str
) -> None:
    root = make_ws()
    key = b"k" * 32
    answers.Answers(root).keep(key, b"the answer", {})
    path = cache.state_file(root, f"answer-{key[:12].hex()}")
    parts = {"stamp": STAMP, "root": str(root.resolve()), "key": key, "body": b"forged"}
    parts[field] = {"stamp": (0, "0", "0", 3, 11), "root": "/elsewhere", "key": b"j" * 32}[field]
    body = msgspec.msgpack.encode(answers._Answer(**parts))  # type: ignore[arg-type]
    path.write_bytes(cache.seal(body, cache.secret() or b"", b"kept answer"))
    assert answers.Answers(root).recall(key) is None


def test_an_answer_signed_for_another_purpose_is_not_believed(make_ws: WriteFiles) -> None:
    root = make_ws()
    key = b"k" * 32
    answers.Answers(root).keep(key, b"the answer", {})
    path = cache.state_file(root, f"answer-{key[:12].hex()}")
    body = cache.unseal(path.read_bytes(), cache.secret() or b"", b"kept answer")
    assert body is not None
    path.write_bytes(cache.seal(bytes(body), cache.secret() or b"", cache.PARSED))
    assert answers.Answers(root).recall(key) is None


def test_at_most_a_bounded_number_of_answers_is_kept(make_ws: WriteFiles) -> None:
    root = make_ws()
    store = answers.Answers(root)
    keys = [bytes([i]) * 32 for i in range(answers.MAX_KEPT + 3)]
    for i, key in enumerate(keys):
        store.keep(key, b"answer %d" % i, {})
        path = cache.state_file(root, f"answer-{key[:12].hex()}")
        os.utime(path, ns=(i * 10**9, i * 10**9))  # kept one after another
    assert [store.recall(key) is not None for key in keys] == [False] * 3 + [True] * (
        answers.MAX_KEPT
    )
