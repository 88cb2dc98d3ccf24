"""Loading: from a workspace's files to one immutable `Workspace`.

Owns where each file lives (`layout`), the table of file kinds, reading files
from a source (the working folder or a git revision), parsing each file into
its outcome (`parsing`, `fastlog` for machine-written logs), and the speed
tricks of loading, each behind its own module: the signed parse cache
(`cache`, `cache_format`), the parallel parse (`prefetch`) and the local state
folder with the writers' lock (`localstate`).

May import: the top-level modules (`errors`, `problems`, `model`, ...) and
`yamlio`. Never `rules`, `compute`, `git`, `edit`, `render` or `cli`.
"""
