//! The chart generator of the load benchmark (`benches/chart.py`): one SVG per workload,
//! bars proportional to the rates, every server labelled, text escaped.

use std::{path::Path, process::Command};

const CSV: &str = "\
workload,connections,server,requests_per_second,p50_us,p99_us,errors
\"add(2,3)\",16,bare hyper,80000,190,400,0
\"add(2,3)\",16,xmlrpc-server,40000,380,900,0
\"add(2,3)\",16,ours + metrics,39500,385,910,0
\"add(2,3)\",16,xmlrpc-c abyss,10000,1500,4000,0
\"add(2,3)\",16,py xmlrpc_extended,2000,7000,20000,3
\"add(2,3)\",64,bare hyper,70000,900,1500,0
\"add(2,3)\",64,xmlrpc-server,35000,1800,3000,0
\"struct <echo>\",16,xmlrpc-server,20000,800,1200,0
\"struct <echo>\",16,bare hyper,76000,200,400,0
";

/// The `width` of every bar, in document order.
fn bar_widths(svg: &str) -> Vec<f64> {
    svg.match_indices("<rect x=")
        .map(|(at, _)| {
            let tag = &svg[at..at + svg[at..].find('>').unwrap()];
            let width = tag
                .split("width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            width.parse().unwrap()
        })
        .collect()
}

#[test]
fn one_svg_per_workload_with_proportional_bars() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "python3 is missing in CI"
        );
        eprintln!("\n*** SKIPPED: python3 is not installed ***\n");
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("results.csv");
    std::fs::write(&csv, CSV).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/chart.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(&csv)
        .arg(dir.join("svg"))
        .args(["--note", "test run & <notes>"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let add = std::fs::read_to_string(dir.join("svg/bench-add.svg")).unwrap();
    let echo = std::fs::read_to_string(dir.join("svg/bench-struct-echo.svg")).unwrap();
    assert!(add.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(add.trim_end().ends_with("</svg>"));
    assert!(add.contains("test run &amp; &lt;notes&gt;"));
    assert!(echo.contains("struct &lt;echo&gt;: requests per second"));
    for label in [
        "xmlrpc-server (ours)",
        "bare hyper (no XML-RPC)",
        "xmlrpc-c Abyss (C)",
        "Python xmlrpc_extended",
        "16 keep-alive connections",
        "64 keep-alive connections",
        "40,000 req/s \u{b7} p99 900 \u{b5}s",
        "2,000 req/s \u{b7} p99 20.0 ms, 3 errors",
    ] {
        assert!(add.contains(label), "missing {label:?} in\n{add}");
    }
    // Metrics-on rows only on request.
    assert!(!add.contains("metrics on"));
    // Bars in order: 16 conns ours, hyper, abyss, python; 64 conns ours, hyper.
    let bars = bar_widths(&add);
    assert_eq!(bars.len(), 6, "{bars:?}");
    let rates = [40000.0, 80000.0, 10000.0, 2000.0, 35000.0, 70000.0];
    for (bar, rate) in bars.iter().zip(rates) {
        let expected = 380.0 * rate / 80000.0;
        assert!((bar - expected).abs() < 0.2, "{bar} vs {expected}");
    }

    let with_metrics = Command::new("python3")
        .arg(&script)
        .arg(&csv)
        .arg(dir.join("svg2"))
        .arg("--with-metrics")
        .output()
        .unwrap();
    assert!(with_metrics.status.success());
    let add = std::fs::read_to_string(dir.join("svg2/bench-add.svg")).unwrap();
    assert!(add.contains("ours, metrics on"));

    // Anything but the benchmark's CSV is refused with a message.
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let refused = Command::new("python3")
        .arg(&script)
        .arg(&csv)
        .arg(dir.join("svg3"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a load-benchmark CSV"));
}
