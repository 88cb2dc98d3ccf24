"""Where each value of a document stands: its line and column, keyed by its path in the data.

The strict reader (`documents`) records a position for every value it builds,
so a problem found later, in a model or a cross-file rule, still points at
`path:line:col`.
"""

from __future__ import annotations

Path = tuple[str | int, ...]


class Marks:
    """Positions of the values of one document, keyed by their path in the data.

    The parse cache keeps them as one opaque msgpack block (`pack`, `packed`),
    unpacked on first use: the cache of a large organization holds hundreds of
    thousands of positions, and only the commands that report a problem in a
    document ask for any.
    """

    __slots__ = ("_packed", "_positions")

    def __init__(self, positions: dict[Path, tuple[int, int]] | None = None) -> None:
        self._positions: dict[Path, tuple[int, int]] | None = positions or {}
        self._packed = b""

    @classmethod
    def packed(cls, block: bytes) -> Marks:
        """Marks from a block `pack` made, unpacked when first asked."""
        made = cls.__new__(cls)
        made._packed, made._positions = block, None
        return made

    @property
    def positions(self) -> dict[Path, tuple[int, int]]:
        if self._positions is None:
            self._positions = _unpack(self._packed)
            self._packed = b""
        return self._positions

    def pack(self) -> bytes:
        """The positions as one msgpack block: (path, line, column) for each."""
        if self._positions is None:
            return self._packed
        import msgspec

        return msgspec.msgpack.encode([(path, *pos) for path, pos in self._positions.items()])

    def find(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that exists."""
        positions = self.positions
        for end in range(len(path), -1, -1):
            pos = positions.get(tuple(path[:end]))
            if pos is not None:
                return pos
        return (1, 1)

    # Sent whole through the read-ahead's pipe (`load.prefetch`) as the same block.
    def __getstate__(self) -> bytes:
        return self.pack()

    def __setstate__(self, state: bytes) -> None:
        self._packed = state
        self._positions = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marks) and self.positions == other.positions

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Marks({self.positions!r})"


def _unpack(block: bytes) -> dict[Path, tuple[int, int]]:
    """The positions `Marks.pack` stored; none (every value at 1:1) if the block is not one.

    The cache signs what it writes, so a bad block means a bug, not an attack;
    it costs the positions, never the command.
    """
    import msgspec

    try:
        found = msgspec.msgpack.decode(block, type=list[tuple[tuple[str | int, ...], int, int]])
    except msgspec.DecodeError:
        return {}
    return {path: (line, col) for path, line, col in found}
