#!/usr/bin/env python3
"""Python's SimpleXMLRPCServer as a peer for our client: echo of every type, arithmetic,
faults, introspection and multicall. Usage: python_server.py (prints the port it bound on
127.0.0.1, then serves until killed)."""
import sys
import time
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False,
                            use_builtin_types=True)
server.register_introspection_functions()
server.register_multicall_functions()


def echo(value):
    """Returns its argument unchanged."""
    return value


def add(a, b):
    """Adds two integers."""
    return a + b


def fault(code, message):
    """Raises the fault (code, message)."""
    raise xmlrpc.client.Fault(code, message)


def types(value):
    """Names the Python type the argument arrived as."""
    return type(value).__name__


def sleep(seconds):
    """Sleeps, then returns its argument."""
    time.sleep(seconds)
    return seconds


for fn in (echo, add, fault, types, sleep):
    server.register_function(fn)
print(server.server_address[1], flush=True)
server.serve_forever()
