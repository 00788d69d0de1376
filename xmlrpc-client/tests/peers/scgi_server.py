"""SCGI XML-RPC responder for the xmlrpc-client tests, written to the SCGI spec.

Usage: scgi_server.py [--unix PATH]

Reads a netstring of NUL-separated header pairs (CONTENT_LENGTH first, SCGI=1),
then CONTENT_LENGTH body bytes; answers with CGI headers ("Status: ..."), a blank
line and the XML-RPC response, then closes. Prints "READY <port-or-path>".
"""
import argparse
import os
import socketserver
import sys
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCDispatcher

MAX_HEADERS = 64 * 1024
dispatcher = SimpleXMLRPCDispatcher(allow_none=True, encoding=None, use_builtin_types=True)
current = {}


def read_netstring(rfile):
    digits = b""
    while True:
        c = rfile.read(1)
        if not c:
            raise ValueError("eof in netstring length")
        if c == b":":
            break
        if not c.isdigit() or len(digits) > 8:
            raise ValueError("bad netstring length")
        digits += c
    n = int(digits)
    if n > MAX_HEADERS:
        raise ValueError("headers too large")
    data = rfile.read(n)
    if len(data) != n or rfile.read(1) != b",":
        raise ValueError("bad netstring")
    return data


def parse_headers(block):
    items = block.split(b"\0")
    if items[-1] != b"" or len(items) % 2 != 1:
        raise ValueError("headers not NUL-terminated pairs")
    pairs = [(items[i].decode(), items[i + 1].decode()) for i in range(0, len(items) - 1, 2)]
    if not pairs or pairs[0][0] != "CONTENT_LENGTH":
        raise ValueError("CONTENT_LENGTH must come first")
    env = dict(pairs)
    if env.get("SCGI") != "1":
        raise ValueError("SCGI must be 1")
    return env


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            env = parse_headers(read_netstring(self.rfile))
            body = self.rfile.read(int(env["CONTENT_LENGTH"]))
        except (ValueError, UnicodeDecodeError) as e:
            msg = str(e).encode()
            self.wfile.write(b"Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n" + msg)
            return
        current.clear()
        current.update(env)
        response = dispatcher._marshaled_dispatch(body)
        self.wfile.write(b"Status: 200 OK\r\nContent-Type: text/xml\r\n")
        self.wfile.write(b"Content-Length: %d\r\n\r\n" % len(response))
        self.wfile.write(response)


class TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unix")
    args = parser.parse_args()

    def environ():
        """The SCGI headers of this request."""
        return dict(current)

    def fail(code, message):
        """Raises the fault (code, message)."""
        raise xmlrpc.client.Fault(code, message)

    dispatcher.register_function(lambda a, b: a + b, "add")
    dispatcher.register_function(lambda v: v, "echo")
    dispatcher.register_function(environ, "environ")
    dispatcher.register_function(fail, "fail")
    dispatcher.register_introspection_functions()
    dispatcher.register_multicall_functions()
    if args.unix:
        if os.path.exists(args.unix):
            os.unlink(args.unix)
        server = UnixServer(args.unix, Handler)
        where = args.unix
    else:
        server = TcpServer(("127.0.0.1", 0), Handler)
        where = str(server.server_address[1])
    print("READY " + where, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
