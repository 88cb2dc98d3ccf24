"""Computing: from a loaded workspace to the data every view renders.

`progress` is the pure math of DESIGN §2 (with the stale rule); `values` a key
result's values over time (`wholes` the whole-business readings derived from
a metric's segments); `align` the alignment graph; `rows` each objective's
and key result's figures, which `report` assembles into the report (its types
in `report_data`) and the weekly view; `explain`, `grades`, `lens`,
`metric_map` (the driver tree) and `align_view` the other views' data. Nothing here prints, exits, writes or reads
git: what comes from git or the rules (moved goalposts, alignment conflicts) is
passed in.

May import: the top-level modules, `yamlio` and `load`. Never `rules`, `git`,
`edit`, `render` or `cli`.
"""
