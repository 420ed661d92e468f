"""A small Sphinx extension with the course's site rules.

- Pages make no request to any other host: the theme's CDN-loaded helpers
  (MathJax, require.js, thebe) are dropped.
- ``COURSE_EDITION=facilitator`` adds the Sphinx tag ``facilitator`` so that
  ``{only} facilitator`` blocks and facilitator pages appear only in that edition.
"""

from __future__ import annotations

import os
from typing import Any

from sphinx.application import Sphinx

_REMOTE = ("http://", "https://", "//")


def _drop_remote_assets(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: Any) -> None:
    """Remove any script or stylesheet that would be fetched from another host."""
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files is None:
            continue
        kept = []
        for f in files:
            name = getattr(f, "filename", f)
            if isinstance(name, str) and name.startswith(_REMOTE):
                continue
            kept.append(f)
        files[:] = kept


def setup(app: Sphinx) -> dict[str, Any]:
    if os.environ.get("COURSE_EDITION", "learner") == "facilitator":
        app.tags.add("facilitator")
    else:
        app.tags.add("learner")
    app.connect("html-page-context", _drop_remote_assets, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
