"""Loading: from a workspace's files to one immutable `Workspace`.

Owns the table of file kinds (`kinds`: folder, model, parser, size limit and
name of each), where each file lives (`layout`), reading files from a source
(`source`: the working folder or a git revision), parsing each file into its
outcome (`parsing`, `fastlog` for machine-written logs) and the loader itself
(`workspace`). The speed tricks of loading each live behind one module, and
the loader asks each in one place: the signed parse cache (`cache`, with its
storage format in `cache_format`) and the parallel parse (`prefetch`). The
local state folder, its writers' lock and the writing of its files are
`localstate`'s.

May import: the top-level modules (`errors`, `problems`, `model`, ...) and
`yamlio`. Never `rules`, `compute`, `git`, `edit`, `render` or `cli`.
"""
