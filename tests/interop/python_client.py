#!/usr/bin/env python3
"""Python's xmlrpc.client against our interop server: validator1, every type, faults,
introspection, multicall. Usage: python_client.py URL. Prints one line per failed check and
a closing 'N passed, N failed' line; exits 1 when anything failed."""
import datetime
import http.client
import sys
import urllib.parse
import xmlrpc.client as xc

URL = sys.argv[1]
proxy = xc.ServerProxy(URL, allow_none=True, use_builtin_types=True)
passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want and type(got) is type(want):
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: got {got!r}, want {want!r}")


def fault_of(fn, *args):
    try:
        fn(*args)
    except xc.Fault as f:
        return f
    return None


def expect_fault(name, fn, *args, code=None):
    global passed, failed
    f = fault_of(fn, *args)
    if f is None:
        failed += 1
        print(f"FAIL {name}: no fault")
    elif code is not None and f.faultCode != code:
        failed += 1
        print(f"FAIL {name}: fault code {f.faultCode}, want {code}")
    else:
        passed += 1


def raw_post(body):
    """Posts a hand-written document; returns the response body as text."""
    parts = urllib.parse.urlsplit(URL)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", parts.path or "/", body.encode(), {"Content-Type": "text/xml"})
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return text


v1 = proxy.validator1
# arrayOfStructsTest: several inputs
for n in (1, 3, 50):
    arr = [{"moe": i, "larry": 2 * i, "curly": 3 * i, "extra": "x"} for i in range(n)]
    check(f"arrayOfStructsTest[{n}]", v1.arrayOfStructsTest(arr), sum(3 * i for i in range(n)))
for text in ("", "<<>>&'\"", "plain text", "a&b<c>d'e\"f" * 20, "ünï<cödé>&"):
    want = {
        "ctLeftAngleBrackets": text.count("<"),
        "ctRightAngleBrackets": text.count(">"),
        "ctAmpersands": text.count("&"),
        "ctApostrophes": text.count("'"),
        "ctQuotes": text.count('"'),
    }
    check(f"countTheEntities[{text[:10]!r}]", v1.countTheEntities(text), want)
for moe, larry, curly in ((1, 2, 3), (0, 0, 0), (-5, 100, 7), (2**30, 1, -(2**30))):
    check("easyStructTest", v1.easyStructTest({"moe": moe, "larry": larry, "curly": curly}),
          moe + larry + curly)
expect_fault("easyStructTest missing member", v1.easyStructTest, {"moe": 1, "larry": 2})
expect_fault("easyStructTest wrong type", v1.easyStructTest, {"moe": 1, "larry": 2, "curly": "3"})
for s in ({"a": 1}, {"x": {"y": [1, "two", 3.5, True]}, "z": b"bin"}, {}):
    check("echoStructTest", v1.echoStructTest(s), s)
when = datetime.datetime(1998, 7, 17, 14, 8, 55)
for args in ((1, True, "s", 1.5, when, b"\x00\x01"), (-7, False, "", -0.25, when, b"")):
    check("manyTypesTest", v1.manyTypesTest(*args), list(args))
for n in (100, 150, 200):
    arr = [f"item{i}" for i in range(n)]
    check(f"moderateSizeArrayCheck[{n}]", v1.moderateSizeArrayCheck(arr), arr[0] + arr[-1])
cal = {"2000": {"03": {"31": {"moe": 9, "larry": 9, "curly": 9}},
                "04": {"01": {"moe": 1, "larry": 20, "curly": 300},
                       "02": {"moe": 7, "larry": 7, "curly": 7}}},
       "2001": {"04": {"01": {"moe": 5, "larry": 5, "curly": 5}}}}
check("nestedStructTest", v1.nestedStructTest(cal), 321)
for n in (0, 1, 7, -3, 2000):
    check(f"simpleStructReturnTest[{n}]", v1.simpleStructReturnTest(n),
          {"times10": n * 10, "times100": n * 100, "times1000": n * 1000})
expect_fault("validator1 wrong arity", v1.easyStructTest)
expect_fault("validator1 too many params", v1.simpleStructReturnTest, 1, 2)

# interop: every type echoed with its type kept
io = proxy.interop
for value in (0, -1, 2**31 - 1, -(2**31), "", "  spaced  ", "ünïcödé 𝄞", "<&>", True, False,
              0.1, -0.0, 1e-7, 1.5e300, when, b"\x00\xff" * 100, [], [1, [2, [3]]], {},
              {"nested": {"list": [1, "a", None]}}, None):
    check(f"echo[{value!r:.30}]", io.echo(value), value)
check("add", io.add(2, 3), 5)
check("add negative", io.add(-2**31, 2**31 - 1), -1)
f = fault_of(io.add, 2**31 - 1, 1)
check("add overflow is a fault", f is not None, True)
check("sleep", io.sleep(10), 10)
expect_fault("sleep negative", io.sleep, -1)
expect_fault("sleep too long", io.sleep, 60001)
f = fault_of(io.fault, 4242, "exact <message> & ünï")
check("fault code", f.faultCode if f else None, 4242)
check("fault string", f.faultString if f else None, "exact <message> & ünï")
check("echoBinary", io.echoBinary(b"\x00\x01binary\xff"), b"\x00\x01binary\xff")
check("nil", io.nil(), None)
# xmlrpc.client writes only <int>, so 64-bit values go out as hand-written documents; the
# answers are read back by xmlrpc.client.
for n in (0, -5, 2**31, 2**40, -(2**63), 2**63 - 1):
    body = (f"<?xml version='1.0'?><methodCall><methodName>interop.echoI8</methodName>"
            f"<params><param><value><i8>{n}</i8></value></param></params></methodCall>")
    answer = raw_post(body)
    check(f"echoI8[{n}] is <i8>", f"<i8>{n}</i8>" in answer, True)
    check(f"echoI8[{n}] value", xc.loads(answer)[0][0], n)
    echo = body.replace("interop.echoI8", "interop.echo")
    check(f"echo keeps <i8> {n}", f"<i8>{n}</i8>" in raw_post(echo), True)
out_of_range = ("<?xml version='1.0'?><methodCall><methodName>interop.echoI8</methodName>"
                "<params><param><value><i8>9223372036854775808</i8></value></param></params>"
                "</methodCall>")
check("echoI8 out of int64 is a fault", "<fault>" in raw_post(out_of_range), True)

# faults by code (the server claims faults_interop)
caps = proxy.system.getCapabilities()
check("capabilities has faults_interop", "faults_interop" in caps, True)
expect_fault("unknown method", proxy.no.such.method, code=-32601)
expect_fault("case-sensitive names", proxy.interop.ECHO, 1, code=-32601)
expect_fault("wrong type", io.add, "2", 3, code=-32602)
expect_fault("wrong arity", io.add, 1, code=-32602)

# introspection
methods = proxy.system.listMethods()
check("listMethods unique", len(methods), len(set(methods)))
contract = ["validator1.arrayOfStructsTest", "validator1.countTheEntities",
            "validator1.easyStructTest", "validator1.echoStructTest",
            "validator1.manyTypesTest", "validator1.moderateSizeArrayCheck",
            "validator1.nestedStructTest", "validator1.simpleStructReturnTest",
            "interop.echo", "interop.add", "interop.sleep", "interop.fault",
            "interop.echoBinary", "interop.nil", "interop.echoI8",
            "system.listMethods", "system.methodHelp", "system.methodSignature",
            "system.multicall"]
for name in contract:
    check(f"listMethods has {name}", name in methods, True)
    help_text = proxy.system.methodHelp(name)
    check(f"methodHelp {name} is a string", isinstance(help_text, str), True)
signatures = {
    "interop.add": [["int", "int", "int"]],
    "interop.echoBinary": [["base64", "base64"]],
    "interop.echoI8": [["i8", "i8"]],
    "validator1.easyStructTest": [["int", "struct"]],
    "validator1.simpleStructReturnTest": [["struct", "int"]],
    "interop.echo": "undef",
    "interop.sleep": [["int", "int"]],
    "interop.fault": [["int", "int", "string"]],
    "interop.nil": [["nil"]],
    "validator1.arrayOfStructsTest": [["int", "array"]],
    "validator1.countTheEntities": [["struct", "string"]],
    "validator1.echoStructTest": [["struct", "struct"]],
    "validator1.manyTypesTest": [["array", "int", "boolean", "string", "double",
                                  "dateTime.iso8601", "base64"]],
    "validator1.moderateSizeArrayCheck": [["string", "array"]],
    "validator1.nestedStructTest": [["int", "struct"]],
}
for name, want in signatures.items():
    check(f"methodSignature {name}", proxy.system.methodSignature(name), want)

# multicall: results in order, a failing entry does not hide the others
mc = xc.MultiCall(proxy)
mc.interop.add(1, 2)
mc.interop.fault(7, "seven")
mc.validator1.easyStructTest({"moe": 1, "larry": 1, "curly": 1})
mc.no.such.method()
results = mc()
check("multicall first", results[0], 3)
f = fault_of(lambda: results[1])
check("multicall fault entry", (f.faultCode, f.faultString) if f else None, (7, "seven"))
check("multicall third", results[2], 3)
f = fault_of(lambda: results[3])
check("multicall unknown entry", f.faultCode if f else None, -32601)
raw = proxy.system.multicall([{"methodName": "interop.add", "params": [2, 2]},
                              {"methodName": "system.multicall", "params": [[]]}])
check("raw multicall shape", raw[0], [4])
check("nested multicall refused", isinstance(raw[1], dict) and "faultCode" in raw[1], True)
expect_fault("multicall non-array", proxy.system.multicall, "not an array")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
