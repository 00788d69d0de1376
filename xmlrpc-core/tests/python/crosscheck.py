#!/usr/bin/env python3
"""Cross-implementation helper for xmlrpc-core's tests (python_crosscheck.rs).

Two modes, both talking JSON so that one process serves a whole batch of cases:

  crosscheck.py produce
      Writes to stdout a JSON list of documents made by `xmlrpc.client.dumps`,
      each {"id", "kind", "xml_b64", "expect", "python_reads"}: `expect` is the
      canonical form of the value the case was built from, `python_reads` the
      canonical form of what `xmlrpc.client.loads` makes of the same bytes.

  crosscheck.py read
      Reads from stdin a JSON list of {"id", "xml_b64"} documents (written by
      the Rust codec) and writes to stdout a JSON object mapping each id to the
      canonical form of what `xmlrpc.client.loads` makes of it, or to
      {"error": message} when Python refuses the document.

The canonical form is a tagged JSON tree shared with the Rust side:
  {"int": "<decimal>"} (int and i8 alike: Python has one integer type),
  {"boolean": bool}, {"string": str}, {"double": "<16 hex digits of the IEEE bits>"},
  {"dateTime": "<text as in the document>"}, {"base64": "<hex>"}, {"nil": null},
  {"array": [...]}, {"struct": [[name, value], ...]} in document order.
A document is {"method": name, "params": [...]}, {"params": [...]} (response)
or {"fault": {"code": int, "string": str}}.
"""

import base64
import json
import struct
import sys
import xmlrpc.client as xc
from datetime import datetime


def canon(v):
    if isinstance(v, bool):
        return {"boolean": v}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"double": struct.pack(">d", v).hex()}
    if isinstance(v, str):
        return {"string": v}
    if v is None:
        return {"nil": None}
    if isinstance(v, xc.Binary):
        return {"base64": bytes(v.data).hex()}
    if isinstance(v, (bytes, bytearray)):
        return {"base64": bytes(v).hex()}
    if isinstance(v, xc.DateTime):
        return {"dateTime": v.value}
    if isinstance(v, datetime):
        return {"dateTime": v.strftime("%Y%m%dT%H:%M:%S")}
    if isinstance(v, (list, tuple)):
        return {"array": [canon(x) for x in v]}
    if isinstance(v, dict):
        return {"struct": [[k, canon(x)] for k, x in v.items()]}
    raise TypeError("no canonical form for %r" % (type(v),))


def canon_loaded(xml_bytes):
    try:
        params, method = xc.loads(xml_bytes)
    except xc.Fault as f:
        return {"fault": {"code": f.faultCode, "string": f.faultString}}
    except Exception as e:  # the Rust side reports the message
        return {"error": "%s: %s" % (type(e).__name__, e)}
    out = {"params": [canon(p) for p in params]}
    if method is not None:
        out["method"] = method
    return out


BMP = "h\u00e9llo w\u00f6rld \u4e2d\u6587 \u20ac"
NON_BMP = "\U0001F600 \U00010348 \U0010FFFD"

# (id, value) pairs: each is dumped as the single parameter of a methodResponse.
VALUES = [
    ("int_zero", 0),
    ("int_small", 42),
    ("int_negative", -17),
    ("int_max", 2**31 - 1),
    ("int_min", -(2**31)),
    ("bool_true", True),
    ("bool_false", False),
    ("string_empty", ""),
    ("string_ascii", "hello"),
    ("string_spaces", "  leading and trailing  "),
    ("string_newlines", "line1\nline2\n\tindented"),
    ("string_markup", "<a href=\"x\">&amp; 'q'</a> ]]> &lt;"),
    ("string_bmp", BMP),
    ("string_non_bmp", NON_BMP),
    ("string_long", "x" * 10000),
    ("double_zero", 0.0),
    ("double_negative_zero", -0.0),
    ("double_tenth", 0.1),
    ("double_third", 1.0 / 3.0),
    ("double_small", 1e-7),
    ("double_tiny", 5e-324),
    ("double_huge", 1e300),
    ("double_max", 1.7976931348623157e308),
    ("double_negative", -2.5),
    ("double_integral", 12345678.0),
    ("double_big_integral", 1e16),
    ("base64_empty", xc.Binary(b"")),
    ("base64_short", xc.Binary(b"hello")),
    ("base64_all_bytes", xc.Binary(bytes(range(256)) * 3)),
    ("datetime", xc.DateTime(datetime(1998, 7, 17, 14, 8, 55))),
    ("datetime_leap", xc.DateTime(datetime(2000, 2, 29, 23, 59, 59))),
    ("datetime_early", xc.DateTime(datetime(1, 1, 1, 0, 0, 0))),
    ("nil", None),
    ("array_empty", []),
    ("array_mixed", [1, "two", 3.0, True, None, xc.Binary(b"\x00\xff")]),
    ("array_nested", [[1, [2, [3, [4, []]]]], [[]]]),
    ("struct_empty", {}),
    ("struct_simple", {"moe": 1, "larry": 2, "curly": 3}),
    ("struct_order", {"z": 1, "a": 2, "m": 3, "b": 4}),
    ("struct_odd_names", {"": "empty name", "a<b&c": 1, "\u00e9\U0001F600": 2, " sp ": 3}),
    ("struct_nested", {"outer": {"inner": {"list": [1, {"deep": "yes"}]}}, "n": None}),
    (
        "struct_mixed",
        {
            "i": 7,
            "s": "seven",
            "d": 7.5,
            "b": False,
            "t": xc.DateTime(datetime(2024, 12, 31, 23, 0, 1)),
            "bin": xc.Binary(b"\x07" * 7),
            "arr": [7, 7],
            "nil": None,
        },
    ),
]


def produce():
    cases = []

    def add(case_id, kind, text, expect, encoding="utf-8"):
        data = text.encode(encoding, "xmlcharrefreplace")
        cases.append(
            {
                "id": case_id,
                "kind": kind,
                "xml_b64": base64.b64encode(data).decode("ascii"),
                "expect": expect,
                "python_reads": canon_loaded(data),
            }
        )

    for case_id, value in VALUES:
        text = xc.dumps((value,), methodresponse=True, allow_none=True)
        add("response/" + case_id, "response", text, {"params": [canon(value)]})

    # All values at once as the parameters of one call.
    all_values = tuple(v for _, v in VALUES)
    text = xc.dumps(all_values, methodname="test.allTypes", allow_none=True)
    add(
        "call/all_types",
        "call",
        text,
        {"method": "test.allTypes", "params": [canon(v) for v in all_values]},
    )
    text = xc.dumps((), methodname="system.listMethods")
    add("call/no_params", "call", text, {"method": "system.listMethods", "params": []})
    text = xc.dumps((1, 2), methodname="a.b_c-d:e/f")
    add(
        "call/odd_method_name",
        "call",
        text,
        {"method": "a.b_c-d:e/f", "params": [{"int": "1"}, {"int": "2"}]},
    )

    # Carriage returns: XML end-of-line handling turns a raw CR LF into LF on reading.
    text = xc.dumps(("a\r\nb\rc",), methodresponse=True)
    add("response/string_raw_cr", "response", text, {"params": [{"string": "a\nb\nc"}]})

    # Faults.
    for code, message in [
        (-32601, "method not found"),
        (4, "Too many parameters."),
        (0, ""),
        (-2147483648, "<&> \u00e9\U0001F600"),
    ]:
        text = xc.dumps(xc.Fault(code, message), methodresponse=True)
        add(
            "fault/%d" % code,
            "response",
            text,
            {"fault": {"code": code, "string": message}},
        )

    # Declared encodings: Python writes the declaration, the transport encodes the text
    # (characters outside the charset become character references, as ServerProxy does).
    latin = "caf\u00e9 na\u00efve \u00ff \u20ac \U0001F600"
    for enc in ["iso-8859-1", "windows-1252"]:
        text = xc.dumps((latin, {"cl\u00e9": "\u00e0"}), methodname="enc.test", encoding=enc)
        add(
            "call/encoding_" + enc,
            "call",
            text,
            {
                "method": "enc.test",
                "params": [{"string": latin}, {"struct": [["cl\u00e9", {"string": "\u00e0"}]]}],
            },
            encoding=enc,
        )

    json.dump(cases, sys.stdout)


def read():
    docs = json.load(sys.stdin)
    out = {}
    for doc in docs:
        out[doc["id"]] = canon_loaded(base64.b64decode(doc["xml_b64"]))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "produce":
        produce()
    elif mode == "read":
        read()
    else:
        sys.exit("usage: crosscheck.py produce|read")
