use serde::de::DeserializeOwned;

/// Introspection metadata of one method, as `system.listMethods`, `system.methodHelp` and
/// `system.methodSignature` report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    /// Wire name, e.g. `calc.add`.
    pub name: String,
    /// Each accepted signature: return type first, then the parameter types
    /// (`[["int","int","int"]]`). `None` answers `"undef"`.
    pub signatures: Option<Vec<Vec<String>>>,
    /// Help text for `system.methodHelp`.
    pub help: String,
}

/// The XML-RPC type name (`int`, `i8`, `boolean`, `string`, `double`, `dateTime.iso8601`,
/// `base64`, `struct`, `array`, `nil`) a Rust type maps to, found by probing its
/// `Deserialize` implementation; `None` (`undef`) where the type accepts any value.
pub fn type_name_of<T: DeserializeOwned>() -> Option<&'static str> {
    todo!()
}
