//! Metrics in the Prometheus text format (0.0.4, which OpenMetrics scrapers read too): the
//! [`Stats`] counters and gauges, calls per method and outcome, faults by code, and a
//! latency histogram per method.
//!
//! The per-method series exist only when the builder turns metrics on; then every call
//! costs two clock reads, one hash lookup of its name and three relaxed atomic additions.
//! Label sets are bounded: the method label takes only registered names (everything else,
//! unknown names and fallback calls alike, is `method="(other)"`), and the fault-code label
//! at most [`MAX_FAULT_CODES`] distinct codes (the rest are `code="other"`).

use std::{
    collections::HashMap,
    fmt::Write as _,
    hash::{BuildHasherDefault, Hasher},
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Mutex,
    },
    time::Duration,
};

use xmlrpc_core::MethodInfo;

use crate::{Server, Stats};

/// Upper bounds of the latency buckets, in seconds (the `+Inf` bucket is the count).
const BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// The same bounds as written in the `le` label.
const BUCKET_LABELS: [&str; 16] = [
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "2.5", "5", "10",
];

/// The same bounds in nanoseconds, for the comparison on the request path.
const BUCKET_NANOS: [u64; 16] = [
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
    1_000_000_000,
    2_500_000_000,
    5_000_000_000,
    10_000_000_000,
];

/// Most distinct fault codes with their own series; faults with further codes share one.
pub(crate) const MAX_FAULT_CODES: usize = 64;

/// The label of calls to names no registered method has.
const OTHER_METHOD: &str = "(other)";

/// Per-method series of one server; the method table is fixed at build time.
pub(crate) struct Metrics {
    index: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
    /// Label values, in registration order; the last is [`OTHER_METHOD`].
    names: Vec<String>,
    series: Box<[MethodSeries]>,
    faults: Mutex<Vec<(i32, u64)>>,
    faults_other: AtomicU64,
}

/// Counters of one method, on their own cache lines so two hot methods do not contend.
/// Results and faults have counters of their own (rather than results being the count less
/// the faults), so that a scrape racing a call never sees a counter go down.
#[derive(Debug, Default)]
#[repr(align(128))]
struct MethodSeries {
    results: AtomicU64,
    faults: AtomicU64,
    /// Non-cumulative counts per bucket; the last slot is beyond the largest bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("methods", &self.index.len())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn new(methods: &[MethodInfo]) -> Self {
        let mut names: Vec<String> = methods.iter().map(|m| m.name.clone()).collect();
        names.push(OTHER_METHOD.into());
        let index = methods
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), i))
            .collect();
        Metrics {
            index,
            series: names.iter().map(|_| MethodSeries::default()).collect(),
            names,
            faults: Mutex::new(Vec::new()),
            faults_other: AtomicU64::new(0),
        }
    }

    /// Records one decoded call of `method`: its outcome and how long it took.
    pub fn observe(&self, method: &str, fault: bool, elapsed: Duration) {
        let slot = self
            .index
            .get(method)
            .copied()
            .unwrap_or(self.series.len() - 1);
        let series = &self.series[slot];
        if fault {
            series.faults.fetch_add(1, Relaxed);
        } else {
            series.results.fetch_add(1, Relaxed);
        }
        let nanos = elapsed
            .as_secs()
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(elapsed.subsec_nanos()));
        let bucket = BUCKET_NANOS
            .iter()
            .position(|&bound| nanos <= bound)
            .unwrap_or(BUCKET_NANOS.len());
        series.buckets[bucket].fetch_add(1, Relaxed);
        series.sum_nanos.fetch_add(nanos, Relaxed);
    }

    /// Records one fault answer with `code` (every fault the server writes over HTTP).
    pub fn fault(&self, code: i32) {
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = faults.iter_mut().find(|(c, _)| *c == code) {
            entry.1 += 1;
        } else if faults.len() < MAX_FAULT_CODES {
            faults.push((code, 1));
        } else {
            drop(faults);
            self.faults_other.fetch_add(1, Relaxed);
        }
    }

    fn render_into(&self, out: &mut String) {
        header(
            out,
            "xmlrpc_method_calls_total",
            "counter",
            "Decoded calls per method and outcome (a multicall counts once, as system.multicall).",
        );
        for (name, series) in self.names.iter().zip(self.series.iter()) {
            for (outcome, counter) in [("result", &series.results), ("fault", &series.faults)] {
                out.push_str("xmlrpc_method_calls_total{method=\"");
                label_into(out, name);
                let _ = writeln!(out, "\",outcome=\"{outcome}\"}} {}", counter.load(Relaxed));
            }
        }

        header(
            out,
            "xmlrpc_faults_total",
            "counter",
            "Fault answers by faultCode (decoding, dispatch, handler, limits, overload policy).",
        );
        let mut faults = self
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        faults.sort_unstable();
        for (code, count) in faults {
            let _ = writeln!(out, "xmlrpc_faults_total{{code=\"{code}\"}} {count}");
        }
        let other = self.faults_other.load(Relaxed);
        if other > 0 {
            let _ = writeln!(out, "xmlrpc_faults_total{{code=\"other\"}} {other}");
        }

        header(
            out,
            "xmlrpc_method_duration_seconds",
            "histogram",
            "Time from a decoded call to its answer (typed arguments, the method, its result), per method.",
        );
        for (name, series) in self.names.iter().zip(self.series.iter()) {
            let mut cumulative = 0u64;
            for (i, bucket) in series.buckets.iter().enumerate() {
                cumulative += bucket.load(Relaxed);
                out.push_str("xmlrpc_method_duration_seconds_bucket{method=\"");
                label_into(out, name);
                match BUCKET_LABELS.get(i) {
                    Some(bound) => {
                        let _ = writeln!(out, "\",le=\"{bound}\"}} {cumulative}");
                    }
                    None => {
                        let _ = writeln!(out, "\",le=\"+Inf\"}} {cumulative}");
                    }
                }
            }
            let sum = series.sum_nanos.load(Relaxed) as f64 / 1e9;
            out.push_str("xmlrpc_method_duration_seconds_sum{method=\"");
            label_into(out, name);
            let _ = writeln!(out, "\"}} {sum}");
            out.push_str("xmlrpc_method_duration_seconds_count{method=\"");
            label_into(out, name);
            let _ = writeln!(out, "\"}} {cumulative}");
        }
    }
}

/// FxHash's multiply-rotate over 8-byte words: a lookup of a short method name costs a few
/// instructions instead of SipHash's hundreds. The table is fixed at build time, so names a
/// client picks to collide only lengthen their own probe, over at most the registered names.
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

impl NameHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The whole exposition: the server's [`Stats`], then the per-method series when on.
pub(crate) fn render(stats: &Stats, metrics: Option<&Metrics>) -> String {
    let mut out = String::with_capacity(2048 + metrics.map_or(0, |m| m.names.len() * 1600));
    let gauges: [(&str, &str, usize); 3] = [
        (
            "xmlrpc_requests_active",
            "Requests executing now (holding a worker).",
            stats.active,
        ),
        (
            "xmlrpc_requests_queued",
            "Requests admitted and waiting for a worker.",
            stats.queued,
        ),
        (
            "xmlrpc_connections_open",
            "Connections open now (own listeners only).",
            stats.connections_open,
        ),
    ];
    for (name, help, value) in gauges {
        header(&mut out, name, "gauge", help);
        let _ = writeln!(out, "{name} {value}");
    }
    let counters: [(&str, &str, u64); 5] = [
        (
            "xmlrpc_calls_completed_total",
            "Calls answered with a result (a multicall counts once).",
            stats.completed,
        ),
        (
            "xmlrpc_calls_errored_total",
            "Calls answered with a fault (overload-policy faults excluded).",
            stats.errored,
        ),
        (
            "xmlrpc_http_errors_total",
            "Requests refused at the HTTP level (4xx).",
            stats.http_errors,
        ),
        (
            "xmlrpc_connections_accepted_total",
            "Connections accepted since start (own listeners only).",
            stats.connections_total,
        ),
        (
            "xmlrpc_requests_rejected_total",
            "Requests rejected by the overload policy, by policy.",
            0,
        ),
    ];
    for (name, help, value) in counters {
        header(&mut out, name, "counter", help);
        if name == "xmlrpc_requests_rejected_total" {
            for (policy, count) in [
                ("close", stats.rejected_close),
                ("fault", stats.rejected_fault),
                ("http503", stats.rejected_503),
            ] {
                let _ = writeln!(out, "{name}{{policy=\"{policy}\"}} {count}");
            }
        } else {
            let _ = writeln!(out, "{name} {value}");
        }
    }
    if let Some(metrics) = metrics {
        metrics.render_into(&mut out);
    }
    out
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Writes a label value with the format's three escapes (backslash, quote, newline).
fn label_into(out: &mut String, value: &str) {
    if !value.contains(['\\', '"', '\n']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

impl Server {
    /// The server's metrics in the Prometheus text exposition format (version 0.0.4, served
    /// as `text/plain; version=0.0.4`): the [`Stats`] counters and gauges always, and with
    /// [`ServerBuilder::metrics`](crate::ServerBuilder::metrics) on, calls per method and
    /// outcome, faults by code and a latency histogram per method.
    ///
    /// The server's own listeners serve it at the metrics path; an application that mounts
    /// the endpoint elsewhere (say with [`Server::tower_service`] in axum) serves this text
    /// on a route of its own:
    ///
    /// ```
    /// use xmlrpc_core::Fault;
    /// use xmlrpc_server::Server;
    ///
    /// let server = Server::builder()
    ///     .metrics(true)
    ///     .method("add", |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) })
    ///     .build()
    ///     .unwrap();
    /// let text = server.render_metrics();
    /// assert!(text.contains("xmlrpc_method_calls_total{method=\"add\",outcome=\"result\"} 0"));
    /// ```
    pub fn render_metrics(&self) -> String {
        render(&self.stats(), self.inner.config.ops.metrics.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> MethodInfo {
        MethodInfo {
            name: name.into(),
            signatures: None,
            help: String::new(),
        }
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_count_every_call() {
        let metrics = Metrics::new(&[info("a")]);
        metrics.observe("a", false, Duration::from_micros(50));
        metrics.observe("a", true, Duration::from_millis(3));
        metrics.observe("a", false, Duration::from_secs(20));
        metrics.observe("nope", false, Duration::from_micros(1));
        let text = render(&Stats::default(), Some(&metrics));
        for line in [
            "xmlrpc_method_calls_total{method=\"a\",outcome=\"result\"} 2",
            "xmlrpc_method_calls_total{method=\"a\",outcome=\"fault\"} 1",
            "xmlrpc_method_calls_total{method=\"(other)\",outcome=\"result\"} 1",
            "xmlrpc_method_duration_seconds_bucket{method=\"a\",le=\"0.0001\"} 1",
            "xmlrpc_method_duration_seconds_bucket{method=\"a\",le=\"0.0025\"} 1",
            "xmlrpc_method_duration_seconds_bucket{method=\"a\",le=\"0.005\"} 2",
            "xmlrpc_method_duration_seconds_bucket{method=\"a\",le=\"10\"} 2",
            "xmlrpc_method_duration_seconds_bucket{method=\"a\",le=\"+Inf\"} 3",
            "xmlrpc_method_duration_seconds_count{method=\"a\"} 3",
        ] {
            assert!(text.contains(line), "missing {line} in\n{text}");
        }
    }

    #[test]
    fn bucket_bounds_agree() {
        for ((seconds, nanos), label) in BUCKETS.iter().zip(BUCKET_NANOS).zip(BUCKET_LABELS) {
            assert_eq!((seconds * 1e9).round() as u64, nanos);
            assert_eq!(seconds.to_string(), label);
        }
    }

    #[test]
    fn every_name_is_found_and_others_are_not() {
        let infos: Vec<MethodInfo> = (0..500)
            .map(|i| info(&format!("ns{}.method_{i}", i % 7)))
            .collect();
        let metrics = Metrics::new(&infos);
        for (i, m) in infos.iter().enumerate() {
            assert_eq!(metrics.index.get(&m.name), Some(&i));
        }
        for other in ["", "ns0.method_", "ns0.method_0\0", "NS0.METHOD_0"] {
            assert_eq!(metrics.index.get(other), None, "{other:?}");
        }
    }

    #[test]
    fn fault_codes_are_bounded() {
        let metrics = Metrics::new(&[]);
        for code in 0..(MAX_FAULT_CODES as i32 + 10) {
            metrics.fault(code);
        }
        metrics.fault(0);
        let text = render(&Stats::default(), Some(&metrics));
        assert!(text.contains("xmlrpc_faults_total{code=\"0\"} 2"));
        assert!(text.contains("xmlrpc_faults_total{code=\"other\"} 10"));
    }

    #[test]
    fn label_values_are_escaped() {
        let metrics = Metrics::new(&[info("a\"b\\c\nd")]);
        let text = render(&Stats::default(), Some(&metrics));
        assert!(text.contains("method=\"a\\\"b\\\\c\\nd\""), "{text}");
    }
}
