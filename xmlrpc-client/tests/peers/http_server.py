"""XML-RPC test peer for the xmlrpc-client tests: Python's SimpleXMLRPCServer.

Usage: http_server.py [--no-allow-none] [--auth USER:PASS] [--unix PATH]
                      [--tls-cert PEM --tls-key PEM] [--http10]

Listens on a free loopback port (or on the Unix socket PATH), prints one line
"READY <port-or-path>" on stdout, then serves until killed.
"""
import argparse
import base64
import datetime
import os
import socketserver
import ssl
import sys
import time
import xmlrpc.client
from xmlrpc.server import (SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler,
                           SimpleXMLRPCServer)


class Handler(SimpleXMLRPCRequestHandler):
    # Keep-alive, as the Rust client pools connections.
    protocol_version = "HTTP/1.1"
    rpc_paths = ("/", "/RPC2")
    expected_auth = None

    def report_404(self):
        # The stock handler leaves the body unread, which breaks keep-alive.
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        super().report_404()

    def do_POST(self):
        if self.expected_auth is not None:
            if self.headers.get("Authorization") != self.expected_auth:
                # Drain the body, or keep-alive would read it as the next request.
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        # Methods read the headers of the request they serve (one at a time per thread;
        # the tests call header-inspecting methods sequentially).
        self.server.last_headers = {k.lower(): v for k, v in self.headers.items()}
        super().do_POST()



class UnixHandler(Handler):
    # SimpleXMLRPCRequestHandler sets TCP_NODELAY, which a Unix socket refuses (EOPNOTSUPP).
    disable_nagle_algorithm = False

    def address_string(self):
        # client_address is '' on a Unix socket; the default would index into it.
        return "unix"


class ThreadingServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer,
                 SimpleXMLRPCDispatcher):
    daemon_threads = True

    def __init__(self, path, allow_none):
        self.logRequests = False
        SimpleXMLRPCDispatcher.__init__(self, allow_none, None, use_builtin_types=True)
        socketserver.UnixStreamServer.__init__(self, path, UnixHandler)


def register(server):
    state = server

    def echo(value):
        """Returns its argument unchanged."""
        return value

    def add(a, b):
        """Adds two numbers."""
        return a + b

    def fail(code, message):
        """Raises the fault (code, message)."""
        raise xmlrpc.client.Fault(code, message)

    def sleep(seconds):
        """Sleeps, then returns the seconds slept."""
        time.sleep(seconds)
        return seconds

    def big(n):
        """Returns a string of n 'x' characters."""
        return "x" * n

    def nothing():
        """Returns None (nil when allow_none is on, a fault otherwise)."""
        return None

    def is_none(value):
        """Whether the argument arrived as nil."""
        return value is None

    def describe(value):
        """The Python type name of the argument."""
        return type(value).__name__

    def binary_length(data):
        """The length of a base64 argument."""
        return len(data)

    def make_binary(n):
        """n bytes 0, 1, 2, ... as base64."""
        return bytes(i % 256 for i in range(n))

    def the_date():
        """A fixed dateTime."""
        return datetime.datetime(2026, 11, 23, 7, 30, 5)

    def headers():
        """The HTTP headers of this request, lower-cased names."""
        return state.last_headers

    for f in (echo, add, fail, sleep, big, nothing, is_none, describe, binary_length,
              make_binary, the_date, headers):
        server.register_function(f)
    server.register_introspection_functions()
    server.register_multicall_functions()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-allow-none", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--unix")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--http10", action="store_true",
                        help="answer HTTP/1.0 and close, as the stock handler does")
    args = parser.parse_args()
    allow_none = not args.no_allow_none
    if args.http10:
        Handler.protocol_version = "HTTP/1.0"
    if args.auth:
        Handler.expected_auth = "Basic " + base64.b64encode(args.auth.encode()).decode()
    if args.unix:
        if os.path.exists(args.unix):
            os.unlink(args.unix)
        server = UnixServer(args.unix, allow_none)
        where = args.unix
    else:
        server = ThreadingServer(("127.0.0.1", 0), requestHandler=Handler, logRequests=False,
                                 allow_none=allow_none, use_builtin_types=True)
        where = str(server.server_address[1])
        if args.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(args.tls_cert, args.tls_key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
    server.last_headers = {}
    register(server)
    print("READY " + where, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
