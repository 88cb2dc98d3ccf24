"""cxokr: goals-as-code OKR tracking for cross-team customer experience.

The folders show the pipeline (DESIGN §6): `yamlio` reads and writes YAML;
`load` turns a workspace's files into one `Workspace`; `rules` check it across
files; `compute` turns it into the data every view shows; `render` draws that
data. Beside the pipeline, `git` reads history and commits, and `edit` makes
every write. `cli` is the command line on top of all of it.

The modules at the top are shared by every part: `launch` (the entry point),
`errors` (failures of the environment), `problems` (mistakes in files),
`model` and `model_fields` (one file each), `inputs` (what people type) and
`notify` (posting to a chat webhook). May import: each other and `yamlio`.
"""

__version__ = "0.1.0"
