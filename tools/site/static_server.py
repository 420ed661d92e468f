"""Serve a built site the way a static host does: gzip for text, cache headers, no listing.

GitHub Pages and most static hosts compress HTML, CSS, JavaScript, SVG and JSON with gzip
when the browser asks for it, and let the browser cache files for a while. The benchmark
(bench/bench_site.py) measures Lighthouse and page weight against this server, so the
figures are those a reader on a phone would see.

    python tools/site/static_server.py DIRECTORY [--port 8000]

Exit codes: 0 stopped with Ctrl-C; 2 usage error (the directory does not exist).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

#: Content types a static host compresses.
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml",
              "application/manifest+json", "application/xml")
#: Seconds a browser may reuse a file without asking again (GitHub Pages uses 600).
MAX_AGE = 600


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` with gzip, ``Cache-Control`` and quiet logs."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".mjs": "application/javascript",
                      ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def list_directory(self, path: str):  # type: ignore[no-untyped-def]
        self.send_error(404, "Not found")
        return None

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            index = path / "index.html"
            if not self.path.split("?")[0].endswith("/") or not index.is_file():
                return super().send_head()
            path = index
        ctype = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not wants_gzip or not ctype.startswith(COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        """Every response may be cached for ``MAX_AGE`` seconds, as on a static host."""
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        super().end_headers()


@contextlib.contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 in a background thread; yield the base URL."""
    handler = functools.partial(StaticHostHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if not args.directory.is_dir():
        print(f"static_server: {args.directory} is not a folder", file=sys.stderr)
        return 2
    with serve(args.directory, args.port) as url:
        print(f"serving {args.directory} on {url} (Ctrl-C stops)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
