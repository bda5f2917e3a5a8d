#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A webhook receiver for Alertmanager, on loopback, for alerts.bats.

    webhook.py PORT FILE

Each notification Alertmanager POSTs is appended to FILE as one JSON line.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a", encoding="utf-8") as f:
            f.write(json.dumps(json.loads(body)) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
