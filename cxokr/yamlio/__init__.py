"""The only place that parses or writes YAML.

`documents` reads human-written files strictly, keeping every value's position
(`marks`), the common block YAML through `fastblock`'s line reader; `logs`
reads the two logs, one JSON entry per line, and writes a new entry's line;
`unsafe` names the characters no text may hold; `edits` inserts text into a
document people wrote at the place its node tree locates.
Everything else the rest of cxokr uses is named here.

May import: nothing else of cxokr; everything else may import it. The only
package that imports PyYAML.
"""

from cxokr.yamlio.documents import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_INT_DIGITS,
    MAX_LOG_BYTES,
    Document,
    Issue,
    decode,
    idscalar,
    load_document,
    resolve_scalar,
    scalar,
)
from cxokr.yamlio.logs import (
    LogItem,
    json_body,
    json_lines,
    keys_distinct,
    load_log,
    log_line,
    stamp,
)
from cxokr.yamlio.marks import Marks, Path
from cxokr.yamlio.unsafe import may_hold_unsafe, unsafe_in_text

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_INT_DIGITS",
    "MAX_LOG_BYTES",
    "Document",
    "Issue",
    "LogItem",
    "Marks",
    "Path",
    "decode",
    "idscalar",
    "json_body",
    "json_lines",
    "keys_distinct",
    "load_document",
    "load_log",
    "log_line",
    "may_hold_unsafe",
    "resolve_scalar",
    "scalar",
    "stamp",
    "unsafe_in_text",
]
