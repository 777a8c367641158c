#!/usr/bin/env python3
"""A webhook receiver for `make bench`: answers every POST 200 at once and counts them; GET
/count answers the count. Threads per connection (wrk and the worker keep connections open)."""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNT = 0
LOCK = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, each answer waits for the
    # client's delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def do_POST(self):
        global COUNT
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            COUNT += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        body = str(COUNT).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
# The default backlog of 5 drops connections opened together (their SYN is retried after 1 s).
ThreadingHTTPServer.request_queue_size = 256
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
