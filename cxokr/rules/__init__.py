"""Rules: cross-file checks, each `(workspace) -> problems`.

The models check one file at a time; these rules check what only the whole
workspace shows: references between files (`checks`, with `lookups`), the two
logs (`logs`), the alignment graph (`alignment`) and what each key result
form needs: checklists, scores, schedules, due days, relative targets, shares
(`forms`), metric sources, read without connecting (`sources`), the metric
map's drivers and the levels that pursue them (`drivers`), and a metric's
whole: declared where it can be derived, recorded readings agreeing (`wholes`).

May import: the top-level modules, `yamlio`, `load` and `compute` (the
alignment graph and values the rules judge). Never `git`, `edit`, `render` or
`cli`.
"""
