"""A stand-in for Sanic's multi-worker mode, small enough to start in a test: the parent binds
the port and forks a worker that serves it (GET /health → the worker's pid), then waits.
Killing the parent with -9 leaves the worker serving the port, as Rasa's workers do.

python forking_server.py PORT [--ignore-term]
"""
from __future__ import annotations

import http.server
import os
import signal
import sys


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = str(os.getpid()).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> None:
    port = int(sys.argv[1])
    if "--ignore-term" in sys.argv:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the worker too
    server = http.server.HTTPServer(("127.0.0.1", port), Health)
    if os.fork() == 0:
        server.serve_forever()
    else:
        os.wait()


if __name__ == "__main__":
    main()
