"""Rules: cross-file checks, each `(workspace) -> problems`.

The models check one file at a time; these rules check what only the whole
workspace shows: references between files (`checks`, with `lookups`), the two
logs (`logs`) and the alignment graph (`alignment`).

May import: the top-level modules, `yamlio`, `load` and `compute` (the
alignment graph and values the rules judge). Never `git`, `edit`, `render` or
`cli`.
"""
