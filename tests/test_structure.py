"""The package's shape: which part may import which, and how large a module or function grows.

DESIGN §6: the folders show the pipeline (load, rules, compute, then render),
with git and edit beside it and the command line on top. Each folder's
`__init__` docstring says what it may import; this test holds the code to it,
reading every module's imports (those inside functions and under
`TYPE_CHECKING` included) with `ast`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cxokr

PACKAGE = Path(cxokr.__file__).parent
TOP = "top"  # a module directly under cxokr/

# What each part may import from cxokr itself (besides itself).
ALLOWED: dict[str, set[str]] = {
    "yamlio": set(),  # the bottom: strict YAML, and the characters no text may hold
    TOP: {TOP, "yamlio"},
    "load": {TOP, "yamlio"},
    "compute": {TOP, "yamlio", "load"},
    "rules": {TOP, "yamlio", "load", "compute"},
    "git": {TOP, "yamlio", "load", "compute", "rules"},
    "edit": {TOP, "yamlio", "load", "compute", "rules", "git", "sources"},
    # Metric sources (issue 17): the engines behind `sync`, on top modules (errors) only.
    "sources": {TOP},
    "render": {TOP, "compute", "rules", "git"},
    "cli": {TOP, "yamlio", "load", "compute", "rules", "git", "edit", "sources", "render"},
}
# The entry point starts the command line, and only lazily (see launch).
EXCEPTIONS = {("cxokr.launch", "cli"), ("cxokr.__main__", TOP)}
# Third-party libraries, each used by one part only.
ONLY_IN = {
    "typer": {"cli"},
    "click": {"cli"},
    "rich": {"render"},
    "yaml": {"yamlio"},
    "git": {"cxokr.git.history"},
    # The database engines and drivers: only metric sources load them, and only for sync.
    "duckdb": {"sources"},
    "sqlalchemy": {"sources"},
    "psycopg": {"sources"},
    "psycopg2": {"sources"},
}
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 50


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _part(module: str) -> str:
    """The folder a dotted `cxokr...` module belongs to, or TOP."""
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return TOP


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module `path` imports, with the line, a `from cxokr import x` read as cxokr.x."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return found


def _is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:])
    return (PACKAGE / rel).is_dir() or (PACKAGE / rel.with_suffix(".py")).is_file()


def test_each_part_imports_only_what_its_folder_allows() -> None:
    wrong = []
    for path in _modules():
        module = _name(path)
        part = _part(module)
        for imported, line in _imports(path):
            if not imported.startswith("cxokr.") or not _is_module(imported):
                continue
            target = _part(imported)
            allowed = target == part or target in ALLOWED[part]
            if not allowed and (module, target) not in EXCEPTIONS:
                wrong.append(f"{module}:{line} ({part}) imports {imported} ({target})")
    assert wrong == []


def test_each_library_is_imported_by_its_one_part() -> None:
    wrong = []
    for path in _modules():
        module = _name(path)
        for imported, line in _imports(path):
            library = imported.split(".")[0]
            owners = ONLY_IN.get(library)
            if owners and not ({module, _part(module)} & owners):
                wrong.append(f"{module}:{line} imports {imported}")
    assert wrong == []


def test_no_command_but_sync_loads_the_metric_sources_at_start() -> None:
    """The whole command line, as every command starts, loads no source engine: sync
    imports `cxokr.sources` (and so DuckDB or SQLAlchemy) inside the command only. Until
    the `sources` folder exists this holds trivially, and it holds once it does."""
    code = (
        "import sys, cxokr.cli.app\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('duckdb', 'sqlalchemy', 'psycopg', 'psycopg2') or m.startswith('cxokr.sources')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.strip() == "[]"


def test_every_folder_says_what_it_owns_and_may_import() -> None:
    folders = sorted(p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert {p.name for p in folders} <= set(ALLOWED)
    for folder in folders:
        init = folder / "__init__.py"
        if not init.exists():  # data, not code (render/assets)
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init} does not say what it may import"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_short(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{node.name} ({length} lines)")
    assert long == []


# Modules without a test file of their own, each with where it is tested instead: the
# visible list of gaps. A new module needs tests/<folder>/test_<module>.py or a line here.
TESTED_ELSEWHERE = {
    "cli/align.py": "cli/test_report.py (align's outputs), render/test_html_browser.py",
    "cli/check.py": "rules/test_checks.py, test_inputs.py, test_hazards.py",
    "cli/history.py": "git/test_audit.py, git/test_changes.py",
    "cli/share.py": "test_notify.py, cli/test_report.py (report --format html)",
    "compute/align_view.py": "compute/test_align.py",
    "compute/explain_figures.py": "compute/test_explain.py",
    "compute/explain_values.py": "compute/test_explain.py",
    "compute/explain_forms.py": "compute/test_explain.py",
    "compute/lens.py": "cli/test_report.py (metrics)",
    "compute/report_data.py": "compute/test_report.py, compute/test_rows.py",
    "compute/steps.py": "compute/test_rows.py",
    "compute/conflicts.py": "rules/test_tradeoffs.py, compute/test_align.py",
    "edit/checkin.py": "cli/test_write.py (checkin)",
    "edit/ci_workflow.py": "edit/test_scaffold.py",
    "edit/logs.py": "cli/test_write.py, edit/test_fileio.py",
    "edit/retail_template.py": "edit/test_scaffold.py, test_examples.py",
    "errors.py": "every test of a refusal; cli/test_app.py (exit codes)",
    "git/audit_data.py": "git/test_audit.py",
    "git/audit_logs.py": "git/test_audit.py",
    "git/changes_data.py": "git/test_changes.py",
    "git/commit.py": "git/test_runner.py, git/test_history.py, cli/test_write.py",
    "git/goalposts_memo.py": "git/test_goalposts.py, load/test_cache_security.py",
    "load/kinds.py": "load/test_workspace.py, edit/test_schema.py",
    "load/layout.py": "load/test_workspace.py, cli/test_app.py (finding the workspace)",
    "load/parsing.py": "load/test_fastlog.py, load/test_cache_format.py",
    "load/source.py": "load/test_workspace.py",
    "model.py": "yamlio/test_documents.py, rules/test_checks.py, test_invalid_corpus.py",
    "model_fields.py": "test_inputs.py, test_invalid_corpus.py",
    "model_config.py": "edit/test_field_help.py, rules/test_sources.py, test_invalid_corpus.py",
    "problems.py": "test_docs.py (every code documented), render/test_problems.py",
    "render/align.py": "cli/test_report.py, render/test_html.py",
    "render/audit.py": "git/test_audit.py",
    "render/changes.py": "git/test_changes.py",
    "render/console.py": "test_launch.py, render/test_controls.py",
    "render/csv_report.py": "render/test_formats.py",
    "render/encoding.py": "render/test_formats.py, cli/test_report.py",
    "render/grades.py": "cli/test_setup.py (period close), edit/test_periods.py",
    "render/lens.py": "cli/test_report.py (metrics)",
    "rules/alignment.py": "compute/test_align.py",
    "rules/logs.py": "rules/test_checks.py, test_invalid_corpus.py",
    "yamlio/logs.py": "yamlio/test_documents.py, load/test_fastlog.py",
    "yamlio/marks.py": "yamlio/test_documents.py",
    "yamlio/unsafe.py": "yamlio/test_documents.py, render/test_controls.py",
}
TESTS = Path(__file__).parent


def test_each_module_has_a_test_file_or_says_where_it_is_tested() -> None:
    untested, named = [], []
    for path in _modules():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        rel = path.relative_to(PACKAGE)
        folder = TESTS.joinpath(*rel.parts[:-1])
        own = [*folder.glob(f"test_{path.stem}.py"), *folder.glob(f"test_{path.stem}_*.py")]
        if own and rel.as_posix() in TESTED_ELSEWHERE:
            named.append(f"{rel} has its own tests now: drop it from TESTED_ELSEWHERE")
        elif not own and rel.as_posix() not in TESTED_ELSEWHERE:
            untested.append(f"{rel} has no tests/{rel.parent}/test_{path.stem}.py")
    assert untested + named == []
    for module, where in TESTED_ELSEWHERE.items():
        assert (PACKAGE / module).is_file(), f"{module} is gone: drop it from TESTED_ELSEWHERE"
        for name in where.replace(";", ",").split(", "):
            test_file = name.split(" (")[0]
            if test_file.endswith(".py"):
                assert (TESTS / test_file).is_file(), f"{module}: {test_file} does not exist"
