/// An XML-RPC `dateTime.iso8601` value (`19980717T14:08:55`). XML-RPC carries no zone;
/// an offset given on input is kept so callers may apply it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from UTC in minutes if the input named a zone (`Z`, `+02:00`).
    pub offset_minutes: Option<i16>,
}
