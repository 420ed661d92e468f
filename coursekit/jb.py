"""``python -m coursekit.jb build …``: Jupyter Book's own command line, started sooner.

``make html``, ``make test`` and ``make bench`` run Jupyter Book through this module. It takes
the same arguments as ``jupyter-book`` and runs the same code, with one difference: it defers a
cost that every ``jupyter-book`` start pays and no build uses.

Jupyter Book imports jsonschema to check ``_config.yml``. jsonschema, on import, imports
rfc3987-syntax (installed for JupyterLab's event schemas) to offer an "iri" format check, and
rfc3987-syntax compiles 38 grammars as it is imported: about 1.7 s, a third of a no-change
rebuild. Jupyter Book never checks formats. Here ``rfc3987_syntax`` stands in as a small
module whose ``is_valid_syntax`` (and any other name) loads the real module the first time it
is used, so a format check in this process still gives the real answer. Plain
``jupyter-book`` still works; it is just slower to start.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

NAME = "rfc3987_syntax"


def _real() -> types.ModuleType:
    """Import the real rfc3987-syntax in place of the stand-in and return it."""
    module = sys.modules.get(NAME)
    if module is not None and not getattr(module, "_coursekit_deferred", False):
        return module
    sys.modules.pop(NAME, None)
    try:
        return importlib.import_module(NAME)
    except BaseException:
        if module is not None:
            sys.modules[NAME] = module  # keep the stand-in
        raise


def defer_rfc3987_syntax() -> None:
    """Put the stand-in for ``rfc3987_syntax`` in place, unless the module is already loaded
    (or not installed, in which case jsonschema goes without it as before). Idempotent."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return
    stand_in = types.ModuleType(NAME, "Loads rfc3987_syntax when first used (coursekit.jb).")

    def is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
        return _real().is_valid_syntax(*args, **kwargs)

    def __getattr__(name: str) -> Any:  # PEP 562: any other name loads the real module
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real(), name)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    stand_in._coursekit_deferred = True  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in


def main(argv: list[str] | None = None) -> int:
    """Run ``jupyter-book`` with ``argv`` (default: this process's arguments)."""
    defer_rfc3987_syntax()
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book(args=sys.argv[1:] if argv is None else argv, prog_name="jupyter-book")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
