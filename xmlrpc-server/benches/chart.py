#!/usr/bin/env python3
"""Turns one load-benchmark run into SVG bar charts, one per workload.

    BENCH_RESULTS=target/bench.csv cargo bench -p xmlrpc-server --bench load
    python3 xmlrpc-server/benches/chart.py target/bench.csv docs --note "wrk on CPU 1, servers on CPU 0"

Input: the CSV the benchmark writes (workload, connections, server, requests_per_second,
p50_us, p99_us, errors). Output: `<out>/bench-<workload>.svg` for every workload, bars of
requests per second for our server, bare hyper, xmlrpc-c and Python, grouped by connection
count, each labelled with its rate and p99 latency. Standard library only; the charts are
self-contained SVG (no fonts or scripts loaded).
"""

import argparse
import csv
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

# Servers in chart order: (name in the CSV, label, colour). Other rows are left out.
SERVERS = [
    ("xmlrpc-server", "xmlrpc-server (ours)", "#0969da"),
    ("ours + metrics", "ours, metrics on", "#54aeff"),
    ("bare hyper", "bare hyper (no XML-RPC)", "#8c959f"),
    ("xmlrpc-c abyss", "xmlrpc-c Abyss (C)", "#bf8700"),
    ("py xmlrpc_extended", "Python xmlrpc_extended", "#1a7f37"),
]

WIDTH = 800
LABEL_W = 200
BAR_W = 380
ROW_H = 24
GROUP_GAP = 14
TOP = 62


def slug(name):
    """A file-name form of a workload name: `add(2,3)` -> `add`, `10k-int echo` -> `10k-int-echo`."""
    name = re.sub(r"\(.*?\)", "", name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "workload"


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    required = {"workload", "connections", "server", "requests_per_second", "p99_us"}
    if not rows or not required <= set(rows[0]):
        sys.exit(f"{path}: not a load-benchmark CSV (columns {sorted(required)})")
    return rows


def chart(workload, rows, note, servers):
    known = {name: (label, colour) for name, label, colour in SERVERS if name in servers}
    groups = {}
    for row in rows:
        if row["server"] in known:
            groups.setdefault(int(row["connections"]), []).append(row)
    order = [name for name, _, _ in SERVERS]
    for group in groups.values():
        group.sort(key=lambda r: order.index(r["server"]))
    peak = max(float(r["requests_per_second"]) for g in groups.values() for r in g)
    rows_n = sum(len(g) for g in groups.values())
    height = TOP + rows_n * ROW_H + len(groups) * (ROW_H + GROUP_GAP) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif" '
        f'font-size="13" role="img" aria-label={quoteattr(workload + ": requests per second")}>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="26" font-size="17" font-weight="600" fill="#1f2328">'
        f"{escape(workload)}: requests per second (higher is better)</text>",
    ]
    if note:
        out.append(f'<text x="16" y="46" fill="#59636e">{escape(note)}</text>')
    y = TOP
    for conns in sorted(groups):
        out.append(
            f'<text x="16" y="{y + 16}" font-weight="600" fill="#1f2328">'
            f"{conns} keep-alive connections</text>"
        )
        y += ROW_H
        for row in groups[conns]:
            label, colour = known[row["server"]]
            rate = float(row["requests_per_second"])
            width = max(1.0, BAR_W * rate / peak)
            p99 = float(row["p99_us"])
            latency = f"{p99 / 1000:.1f} ms" if p99 >= 1000 else f"{p99:.0f} \u00b5s"
            errors = int(row.get("errors") or 0)
            extra = f", {errors} errors" if errors else ""
            out.append(f'<text x="24" y="{y + 16}" fill="#1f2328">{escape(label)}</text>')
            out.append(
                f'<rect x="{LABEL_W}" y="{y + 4}" width="{width:.1f}" height="{ROW_H - 8}" '
                f'rx="3" fill="{colour}"><title>{escape(label)}: {rate:,.0f} req/s</title></rect>'
            )
            out.append(
                f'<text x="{LABEL_W + width + 6:.1f}" y="{y + 16}" fill="#1f2328">'
                f"{rate:,.0f} req/s \u00b7 p99 {latency}{extra}</text>"
            )
            y += ROW_H
        y += GROUP_GAP
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="CSV written by the load benchmark (BENCH_RESULTS)")
    parser.add_argument("out", help="directory for the SVG files")
    parser.add_argument("--note", default="", help="a line under the title (how it was measured)")
    parser.add_argument(
        "--with-metrics",
        action="store_true",
        help="also show our server with metrics on (the add workload)",
    )
    args = parser.parse_args()
    rows = read(args.results)
    servers = {name for name, _, _ in SERVERS}
    if not args.with_metrics:
        servers.discard("ours + metrics")
    os.makedirs(args.out, exist_ok=True)
    workloads = []
    for row in rows:
        if row["workload"] not in workloads:
            workloads.append(row["workload"])
    for workload in workloads:
        mine = [r for r in rows if r["workload"] == workload]
        if not any(r["server"] in servers for r in mine):
            continue
        path = os.path.join(args.out, f"bench-{slug(workload)}.svg")
        with open(path, "w") as f:
            f.write(chart(workload, mine, args.note, servers))
        print(path)


if __name__ == "__main__":
    main()
