#!/usr/bin/env python3
"""A loopback proxy in front of Gazette for two judges' needs.

- The judges in ../shared/judge refuse any page that does not answer 2xx,
  so `/not-found` answers the body Gazette gives for a missing page, with
  status 200.
- The axe judge injects axe-core into the page as an inline script, which
  Gazette's Content-Security-Policy (scripts by hash only) blocks, as it
  should. Through this proxy pages come without that one header; their
  bytes are Gazette's, unchanged.
- The admin's pages need a signed-in session, which the judges cannot
  open: with JUDGE_ADMIN_COOKIE set (`gazette_session=...`), requests for
  `/admin...` (not the sign-in form) carry that cookie.

usage: judge-404-proxy.py PORT GAZETTE_BASE
"""
import http.server
import os
import sys
import urllib.error
import urllib.request

PORT = int(sys.argv[1])
BASE = sys.argv[2].rstrip("/")
assert BASE.startswith("http://127.0.0.1:"), "loopback only"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ADMIN_COOKIE = os.environ.get("JUDGE_ADMIN_COOKIE")


class Proxy(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        # The view beacon: passed on with its body and browser headers.
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        req = urllib.request.Request(BASE + self.path, data=body, method="POST")
        for k in ("Content-Type", "User-Agent", "Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode"):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        try:
            resp = NO_PROXY.open(req, timeout=10)
            status, data = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, data = e.code, e.read()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = "/no-such-page-for-the-judges" if self.path == "/not-found" else self.path
        try:
            req = urllib.request.Request(BASE + path)
            if self.headers.get("User-Agent"):
                req.add_header("User-Agent", self.headers["User-Agent"])
            if ADMIN_COOKIE and path.startswith("/admin") and not path.startswith("/admin/sign-in"):
                req.add_header("Cookie", ADMIN_COOKIE)
            resp = NO_PROXY.open(req, timeout=10)
            status, headers, body = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, headers, body = e.code, e.headers, e.read()
        if self.path == "/not-found":
            assert status == 404, f"expected Gazette's 404, got {status}"
            status = 200
        self.send_response(status)
        for k in ("Content-Type", "Cache-Control", "X-Content-Type-Options", "Referrer-Policy", "X-Robots-Tag"):
            if headers.get(k):
                self.send_header(k, headers[k])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Proxy).serve_forever()
