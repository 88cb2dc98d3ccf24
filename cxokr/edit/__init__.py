"""Editing: every write to a workspace.

Check-ins (`checkin`), readings and imports (`readings`), both appended to
their logs by `logs`; cxokr.yaml (`config_edit`), period carry-over
(`periods`), new teams, metrics, objectives and key results (`new_entry`,
`new_okr`, `new_kr`), new workspaces (`scaffold`, `retail_template`, `ci_workflow`,
`schema`); all of them write through `fileio`, which keeps writes inside the
workspace and all or nothing.

May import: the top-level modules, `yamlio`, `load`, `compute`, `rules` and
`git`. Never `render` or `cli`.
"""
