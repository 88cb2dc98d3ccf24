"""Located edits of a document people wrote: new text inserted where the parser's marks say.

A file people write is never re-serialised: an edit inserts text at a position
found in the YAML node tree, and every other byte (comments, blank lines, key
order, quoting, line endings) is kept. The caller validates the new text with
the strict reader before writing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Editable",
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "editable",
    "last_line",
    "value",
]


@dataclass(frozen=True)
class Editable:
    """A document's text, its node tree (a mapping) and the offset where each line starts."""

    text: str
    root: MappingNode
    starts: tuple[int, ...]  # offset of each line; the last one is len(text)

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def offset(self, mark: yaml.Mark) -> int:
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column

    def insert_at(self, at: int, piece: str) -> str:
        return self.text[:at] + piece + self.text[at:]

    def insert_lines(self, after_line: int, lines: Iterable[str]) -> str:
        """`lines` as new lines after line `after_line` (0-based)."""
        at = self.starts[min(after_line + 1, len(self.starts) - 1)]
        block = "".join(line + self.newline for line in lines)
        if at == len(self.text) and not _ends_with_break(self.text):
            block = self.newline + block
        return self.text[:at] + block + self.text[at:]

    def value(self, key: str) -> Node | None:
        return value(self.root, key)


def editable(text: str) -> Editable | None:
    """`text` ready for located edits, or None when it is not a mapping.

    Only for text the strict reader has already accepted: this reads the node
    tree alone, without the strict reader's limits.
    """
    node = yaml.compose(text, Loader=yaml.CSafeLoader)
    if not isinstance(node, MappingNode):
        return None
    starts = [0]
    for line in text.splitlines(keepends=True):  # the same line breaks as the YAML reader's
        starts.append(starts[-1] + len(line))
    return Editable(text, node, tuple(starts))


def _ends_with_break(text: str) -> bool:
    return (text + "x").splitlines()[-1] == "x"


def value(node: MappingNode, key: str) -> Node | None:
    """The value node of `key` in a mapping node, or None."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]  # untyped in the stubs
    return None


def last_line(node: Node) -> int:
    """The line (0-based) where a node's own content ends, before any comment or blank line.

    A block collection's end mark lies at the next token, past comments that
    belong to what follows; its last value's end does not.
    """
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        return last_line(node.value[-1][1])
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return last_line(node.value[-1])
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:  # a block scalar's final line break
        return int(end.line) - 1
    return int(end.line)
