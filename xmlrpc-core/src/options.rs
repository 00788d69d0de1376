/// Limits applied while reading a document. Every limit is finite by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and structs (default 64). The reader tracks nesting on an
    /// explicit stack, so any input is refused without deep recursion; the limit also bounds
    /// the recursion of serde `Deserialize` implementations fed by the reader, so keep it in
    /// the hundreds at most.
    pub max_depth: usize,
    /// Most parameters in one call (default 10,000).
    pub max_params: usize,
    /// Longest method name in bytes (default 256).
    pub max_method_name: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_params: 10_000,
            max_method_name: 256,
        }
    }
}

/// How values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Write `None`/unit as `<nil/>` (default); when false, encoding nil is an error.
    pub allow_nil: bool,
    /// Write the extensions in the namespaced dialect (`<ex:i8>`, `<ex:nil/>`) instead of
    /// `<i8>` / `<nil/>` (default false).
    pub extension_namespace: bool,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            allow_nil: true,
            extension_namespace: false,
        }
    }
}
