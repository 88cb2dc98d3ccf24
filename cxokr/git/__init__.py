"""Git: reading history and committing, beside the pipeline.

`runner` starts every git process with the repository's own programs switched
off; `history` reads history (the only module that imports GitPython);
`commit` makes exact commits of what a command wrote. Built on history: the
audit trail (`audit`, `audit_data`, `audit_logs`), what changed since a date or
revision (`changes`) and moved goalposts (`goalposts`, with its kept answer in
`goalposts_memo`).

May import: the top-level modules, `yamlio`, `load`, `compute` and `rules`.
Never `edit`, `render` or `cli`.
"""
