#!/usr/bin/env python3
"""Python's SimpleXMLRPCServer with documented methods, as a peer for the `xmlrpc-cli` tool.

Usage: python_server.py [--no-multicall] [--auth USER:PASS] [--unix SOCKET] [--scgi]

Prints the port it bound on 127.0.0.1 (0 with --unix, which serves HTTP on a Unix socket
instead; --scgi speaks SCGI on the TCP port instead of HTTP), then serves until killed. The stock server answers
system.methodSignature with "signatures not supported"; this one derives signatures from
the functions' type annotations (unannotated functions keep the stock answer), which is
what `xmlrpc-cli gen` needs to declare typed methods.
"""
import base64
import datetime
import inspect
import socketserver
import sys
import time
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

XMLRPC_TYPES = {
    int: "int",
    float: "double",
    str: "string",
    bool: "boolean",
    bytes: "base64",
    datetime.datetime: "dateTime.iso8601",
    dict: "struct",
    list: "array",
    None: "nil",
    type(None): "nil",
}

AUTH = None
LAST_HEADERS = {}


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/RPC2")

    def do_POST(self):
        global LAST_HEADERS
        LAST_HEADERS = dict(self.headers.items())
        if AUTH is not None:
            expected = "Basic " + base64.b64encode(AUTH.encode()).decode()
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        super().do_POST()


class UnixHandler(Handler):
    # TCP_NODELAY does not exist on a Unix socket.
    disable_nagle_algorithm = False


class ScgiHandler(socketserver.StreamRequestHandler):
    """One SCGI request: a netstring of NUL-separated headers, the body, then a CGI-style
    answer ended by closing the connection (as rtorrent and python-scgi do)."""

    def handle(self):
        length = b""
        while not length.endswith(b":"):
            length += self.rfile.read(1)
        block = self.rfile.read(int(length[:-1]))
        self.rfile.read(1)  # the netstring's closing comma
        fields = block.split(b"\0")
        headers = dict(zip(fields[0::2], fields[1::2]))
        body = self.rfile.read(int(headers[b"CONTENT_LENGTH"]))
        global LAST_HEADERS
        LAST_HEADERS = {k.decode()[5:].replace("_", "-"): v.decode()
                        for k, v in headers.items() if k.startswith(b"HTTP_")}
        answer = self.server._marshaled_dispatch(body)
        self.wfile.write(b"Status: 200 OK\r\nContent-Type: text/xml\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(answer) + answer)


class SignaturesFromAnnotations:
    """Answers system.methodSignature from type annotations."""

    def system_methodSignature(self, method_name):
        func = self.funcs.get(method_name)
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            return "signatures not supported"
        params = list(sig.parameters.values())
        annotated = [p.annotation for p in params] + [sig.return_annotation]
        if any(a is inspect.Parameter.empty for a in annotated) or any(
            a not in XMLRPC_TYPES for a in annotated
        ):
            return "signatures not supported"
        return [[XMLRPC_TYPES[sig.return_annotation]] + [XMLRPC_TYPES[p.annotation] for p in params]]


class Server(SignaturesFromAnnotations, SimpleXMLRPCServer):
    pass


class ScgiServer(SignaturesFromAnnotations, socketserver.TCPServer, SimpleXMLRPCDispatcher):
    """The same methods over SCGI on TCP."""

    allow_reuse_address = True

    def __init__(self):
        SimpleXMLRPCDispatcher.__init__(self, allow_none=True, encoding=None,
                                        use_builtin_types=True)
        socketserver.TCPServer.__init__(self, ("127.0.0.1", 0), ScgiHandler)


class UnixServer(SignaturesFromAnnotations, socketserver.UnixStreamServer,
                 SimpleXMLRPCDispatcher):
    """The same server on a Unix socket (HTTP over AF_UNIX, as supervisord serves)."""

    def __init__(self, path):
        self.logRequests = False
        SimpleXMLRPCDispatcher.__init__(self, allow_none=True, encoding=None,
                                        use_builtin_types=True)
        socketserver.UnixStreamServer.__init__(self, path, UnixHandler)


def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


def concat_text(a: str, b: str) -> str:
    """Joins two strings.

    The second follows the first without a separator.
    """
    return a + b


def scale(x: float, k: float) -> float:
    """Multiplies x by k."""
    return x * k


def negate(b: bool) -> bool:
    """Returns the opposite truth value."""
    return not b


def next_day(d: datetime.datetime) -> datetime.datetime:
    """Returns the same time one day later."""
    return d + datetime.timedelta(days=1)


def reverse_bytes(data: bytes) -> bytes:
    """Returns the bytes in reverse order."""
    return data[::-1]


def keys(record: dict) -> list:
    """Lists the member names of a struct, sorted."""
    return sorted(record)


def count(items: list) -> int:
    """Counts the elements of an array."""
    return len(items)


def sleep(seconds: float) -> float:
    """Sleeps, then returns its argument."""
    time.sleep(seconds)
    return seconds


def nothing() -> None:
    """Returns nil."""
    return None


def fail(code: int, message: str) -> int:
    """Raises the fault (code, message)."""
    raise xmlrpc.client.Fault(code, message)


def header(name: str) -> str:
    """Returns the value of an HTTP header of this request, or an empty string."""
    for key, value in LAST_HEADERS.items():
        if key.lower() == name.lower():
            return value
    return ""


def echo(value):
    """Returns its argument unchanged."""
    return value


def same(x: int) -> int:
    """Answers its argument."""
    return x


# Names that are keywords, items the macro generates, dotted, dashed, or equal after case
# conversion: what `xmlrpc-cli gen` must turn into a trait the macro accepts.
AWKWARD = ["odd.clone", "odd.new", "odd.type", "odd.self", "odd.send", "odd.into_service",
           "odd.getX", "odd.get_x", "odd.a.b", "odd.dash-ed"]


def main():
    global AUTH
    args = sys.argv[1:]
    multicall = "--no-multicall" not in args
    if "--auth" in args:
        AUTH = args[args.index("--auth") + 1]
    if "--unix" in args:
        server = UnixServer(args[args.index("--unix") + 1])
    elif "--scgi" in args:
        server = ScgiServer()
    else:
        server = Server(("127.0.0.1", 0), requestHandler=Handler, allow_none=True,
                        logRequests=False, use_builtin_types=True)
    server.register_introspection_functions()
    if multicall:
        server.register_multicall_functions()
    for fn, name in [
        (add, "demo.add"),
        (concat_text, "demo.concatText"),
        (scale, "demo.scale"),
        (negate, "demo.negate"),
        (next_day, "demo.nextDay"),
        (reverse_bytes, "demo.reverseBytes"),
        (keys, "demo.keys"),
        (count, "demo.count"),
        (sleep, "demo.sleep"),
        (nothing, "demo.nothing"),
        (fail, "demo.fail"),
        (header, "demo.header"),
        (echo, "demo.echo"),
        (add, "ping.add"),
    ]:
        server.register_function(fn, name)
    for name in AWKWARD:
        server.register_function(same, name)
    print(0 if "--unix" in args else server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
