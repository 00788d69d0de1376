//! The `dateTime.iso8601` value: parsing, validation, formatting and serde.

use std::fmt;
use std::str::FromStr;

use crate::{Error, ErrorKind};

/// The newtype-struct name through which [`DateTime`] serializes. The XML-RPC serializers of
/// this crate recognise it and write `<dateTime.iso8601>`; other formats see a plain string.
pub(crate) const DATETIME_NAME: &str = "$xmlrpc::private::DateTime";
/// The single key of the map through which a `dateTime.iso8601` is handed to `deserialize_any`
/// visitors (so `Value` and buffered serde content keep it apart from strings).
pub(crate) const DATETIME_KEY: &str = "$xmlrpc::private::dateTime.iso8601";

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

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl DateTime {
    /// A validated date and time without zone.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, Error> {
        let dt = DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            offset_minutes: None,
        };
        dt.validate()?;
        Ok(dt)
    }

    /// The same value with a zone offset in minutes (`-1439..=1439`).
    pub fn with_offset(mut self, offset_minutes: Option<i16>) -> Self {
        self.offset_minutes = offset_minutes;
        self
    }

    /// Checks every field is in range (year 0-9999, a real day of the month, 00:00:00-23:59:59,
    /// offset below 24 hours).
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: &str| {
            Err(Error::new(
                ErrorKind::Type,
                format!("invalid dateTime: {what}"),
            ))
        };
        if self.year > 9999 {
            return bad("year out of range 0-9999");
        }
        if !(1..=12).contains(&self.month) {
            return bad("month out of range");
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return bad("day out of range for the month");
        }
        if self.hour > 23 {
            return bad("hour out of range");
        }
        if self.minute > 59 {
            return bad("minute out of range");
        }
        if self.second > 59 {
            return bad("second out of range");
        }
        if let Some(o) = self.offset_minutes {
            if !(-1439..=1439).contains(&o) {
                return bad("zone offset out of range");
            }
        }
        Ok(())
    }

    /// Whether [`validate`](Self::validate) passes.
    pub fn is_valid(&self) -> bool {
        self.validate().is_ok()
    }

    /// Parses `19980717T14:08:55`, the dashed `1998-07-17T14:08:55`, the compact time
    /// `19980717T140855`, each with optional fractional seconds (dropped) and an optional
    /// zone (`Z`, `+02:00`, `+0200`, `+02`).
    pub fn parse(s: &str) -> Result<Self, Error> {
        parse_bytes(s.as_bytes()).ok_or_else(|| {
            let shown: String = s.chars().take(40).collect();
            Error::new(
                ErrorKind::Type,
                format!("invalid dateTime.iso8601 `{shown}`"),
            )
        })?
    }

    /// Writes the XML-RPC form into `buf`, returning the used length (at most 23 bytes).
    pub(crate) fn format_into(&self, buf: &mut [u8; 32]) -> usize {
        fn two(buf: &mut [u8], at: usize, v: u8) {
            buf[at] = b'0' + (v / 10) % 10;
            buf[at + 1] = b'0' + v % 10;
        }
        let y = self.year;
        buf[0] = b'0' + ((y / 1000) % 10) as u8;
        buf[1] = b'0' + ((y / 100) % 10) as u8;
        buf[2] = b'0' + ((y / 10) % 10) as u8;
        buf[3] = b'0' + (y % 10) as u8;
        two(buf, 4, self.month);
        two(buf, 6, self.day);
        buf[8] = b'T';
        two(buf, 9, self.hour);
        buf[11] = b':';
        two(buf, 12, self.minute);
        buf[14] = b':';
        two(buf, 15, self.second);
        let mut n = 17;
        if let Some(o) = self.offset_minutes {
            if o == 0 {
                buf[n] = b'Z';
                n += 1;
            } else {
                buf[n] = if o < 0 { b'-' } else { b'+' };
                let a = o.unsigned_abs();
                two(buf, n + 1, ((a / 60) % 100) as u8);
                buf[n + 3] = b':';
                two(buf, n + 4, (a % 60) as u8);
                n += 6;
            }
        }
        n
    }

    pub(crate) fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let mut buf = [0u8; 32];
        let n = self.format_into(&mut buf);
        // Only ASCII digits and punctuation were written.
        f(std::str::from_utf8(&buf[..n]).unwrap_or(""))
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// `None`: syntax error; `Some(Err)`: syntactically fine but out of range.
pub(crate) fn parse_bytes(s: &[u8]) -> Option<Result<DateTime, Error>> {
    // date
    let (year, month, day, rest) = if s.len() >= 10 && s[4] == b'-' && s[7] == b'-' {
        (
            digits(&s[0..4])?,
            digits(&s[5..7])?,
            digits(&s[8..10])?,
            &s[10..],
        )
    } else if s.len() >= 8 {
        (
            digits(&s[0..4])?,
            digits(&s[4..6])?,
            digits(&s[6..8])?,
            &s[8..],
        )
    } else {
        return None;
    };
    let rest = rest.strip_prefix(b"T")?;
    // time
    let (hour, minute, second, mut rest) = if rest.len() >= 8 && rest[2] == b':' && rest[5] == b':'
    {
        (
            digits(&rest[0..2])?,
            digits(&rest[3..5])?,
            digits(&rest[6..8])?,
            &rest[8..],
        )
    } else if rest.len() >= 6 && rest[..6].iter().all(u8::is_ascii_digit) {
        (
            digits(&rest[0..2])?,
            digits(&rest[2..4])?,
            digits(&rest[4..6])?,
            &rest[6..],
        )
    } else {
        return None;
    };
    // fraction (dropped)
    if let Some(r) = rest.strip_prefix(b".").or_else(|| rest.strip_prefix(b",")) {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &r[n..];
    }
    // zone
    let offset = match rest {
        [] => None,
        [b'Z'] | [b'z'] => Some(0i32),
        [sign @ (b'+' | b'-'), z @ ..] => {
            let (h, m) = match z {
                [a, b] => (digits(&[*a, *b])?, 0),
                [a, b, b':', c, d] | [a, b, c, d] => (digits(&[*a, *b])?, digits(&[*c, *d])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return Some(Err(Error::new(
                    ErrorKind::Type,
                    "invalid dateTime: zone offset out of range",
                )));
            }
            let o = (h * 60 + m) as i32;
            Some(if *sign == b'-' { -o } else { o })
        }
        _ => return None,
    };
    let fit = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    let dt = DateTime {
        year: year as u16,
        month: fit(month),
        day: fit(day),
        hour: fit(hour),
        minute: fit(minute),
        second: fit(second),
        offset_minutes: offset.map(|o| o as i16),
    };
    Some(dt.validate().map(|()| dt))
}

impl FromStr for DateTime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_str(|s| f.write_str(s))
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Err(e) = self.validate() {
            return Err(serde::ser::Error::custom(e.message()));
        }
        self.with_str(|s| serializer.serialize_newtype_struct(DATETIME_NAME, s))
    }
}

pub(crate) struct DateTimeVisitor;

impl<'de> serde::de::Visitor<'de> for DateTimeVisitor {
    type Value = DateTime;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dateTime.iso8601")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
        DateTime::parse(v).map_err(|e| E::custom(e.message()))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<DateTime, E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
        }
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<DateTime, D::Error> {
        // Self-describing formats (and serde's buffered content, used by `flatten` and
        // untagged enums) may hold either the string or the private one-entry map.
        if d.is_human_readable() {
            d.deserialize_any(self)
        } else {
            d.deserialize_str(self)
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<DateTime, A::Error> {
        let key: Option<std::borrow::Cow<'de, str>> = map.next_key()?;
        match key.as_deref() {
            Some(DATETIME_KEY) => {
                let s: std::borrow::Cow<'de, str> = map.next_value()?;
                self.visit_str(&s)
            }
            _ => Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Map,
                &self,
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(DATETIME_NAME, DateTimeVisitor)
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::DateTime;
    use crate::{Error, ErrorKind};
    use chrono::{Datelike, Timelike};

    impl TryFrom<chrono::NaiveDateTime> for DateTime {
        type Error = Error;
        /// Fails for years outside 0-9999; sub-second precision is dropped.
        fn try_from(v: chrono::NaiveDateTime) -> Result<Self, Error> {
            let year = u16::try_from(v.year())
                .ok()
                .filter(|y| *y <= 9999)
                .ok_or_else(|| Error::new(ErrorKind::Encode, "year out of range 0-9999"))?;
            DateTime::new(
                year,
                v.month() as u8,
                v.day() as u8,
                v.hour() as u8,
                v.minute() as u8,
                v.second().min(59) as u8,
            )
        }
    }

    impl TryFrom<DateTime> for chrono::NaiveDateTime {
        type Error = Error;
        /// The wall-clock time as written; a zone offset, if any, is ignored.
        fn try_from(v: DateTime) -> Result<Self, Error> {
            chrono::NaiveDate::from_ymd_opt(v.year.into(), v.month.into(), v.day.into())
                .and_then(|d| d.and_hms_opt(v.hour.into(), v.minute.into(), v.second.into()))
                .ok_or_else(|| Error::new(ErrorKind::Type, format!("invalid dateTime {v}")))
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::DateTime;
    use crate::{Error, ErrorKind};

    impl TryFrom<time::PrimitiveDateTime> for DateTime {
        type Error = Error;
        /// Fails for years outside 0-9999; sub-second precision is dropped.
        fn try_from(v: time::PrimitiveDateTime) -> Result<Self, Error> {
            let year = u16::try_from(v.year())
                .ok()
                .filter(|y| *y <= 9999)
                .ok_or_else(|| Error::new(ErrorKind::Encode, "year out of range 0-9999"))?;
            DateTime::new(
                year,
                u8::from(v.month()),
                v.day(),
                v.hour(),
                v.minute(),
                v.second(),
            )
        }
    }

    impl TryFrom<DateTime> for time::PrimitiveDateTime {
        type Error = Error;
        /// The wall-clock time as written; a zone offset, if any, is ignored.
        fn try_from(v: DateTime) -> Result<Self, Error> {
            let bad = |_| Error::new(ErrorKind::Type, format!("invalid dateTime {v}"));
            let month = time::Month::try_from(v.month).map_err(bad)?;
            let date = time::Date::from_calendar_date(v.year.into(), month, v.day).map_err(bad)?;
            let t = time::Time::from_hms(v.hour, v.minute, v.second).map_err(bad)?;
            Ok(time::PrimitiveDateTime::new(date, t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        let d = DateTime::parse("19980717T14:08:55").unwrap();
        assert_eq!(d, DateTime::new(1998, 7, 17, 14, 8, 55).unwrap());
        assert_eq!(DateTime::parse("1998-07-17T14:08:55").unwrap(), d);
        assert_eq!(DateTime::parse("19980717T140855").unwrap(), d);
        let z = DateTime::parse("19980717T14:08:55Z").unwrap();
        assert_eq!(z.offset_minutes, Some(0));
        let p = DateTime::parse("1998-07-17T14:08:55+02:00").unwrap();
        assert_eq!(p.offset_minutes, Some(120));
        let m = DateTime::parse("1998-07-17T14:08:55.123-0130").unwrap();
        assert_eq!(m.offset_minutes, Some(-90));
        assert_eq!(d.to_string(), "19980717T14:08:55");
        assert_eq!(p.to_string(), "19980717T14:08:55+02:00");
        assert_eq!(z.to_string(), "19980717T14:08:55Z");
        assert_eq!(
            DateTime::new(5, 1, 2, 3, 4, 5).unwrap().to_string(),
            "00050102T03:04:05"
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trip() {
        let d = DateTime::parse("20240229T23:59:58").unwrap();
        let n = chrono::NaiveDateTime::try_from(d).unwrap();
        assert_eq!(n.to_string(), "2024-02-29 23:59:58");
        assert_eq!(DateTime::try_from(n).unwrap(), d);
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_round_trip() {
        let d = DateTime::parse("20240229T23:59:58").unwrap();
        let t = time::PrimitiveDateTime::try_from(d).unwrap();
        assert_eq!(t.year(), 2024);
        assert_eq!(DateTime::try_from(t).unwrap(), d);
    }

    #[test]
    fn rejects_invalid() {
        for s in [
            "19981317T14:08:55",
            "19990229T14:08:55",
            "19980717T25:00:00",
            "19980717T14:60:00",
            "19980700T14:08:55",
            "1998071714:08:55",
            "19980717T14:08",
            "",
            "19980717T14:08:55+",
            "19980717T14:08:55 ",
            "abcdefghT14:08:55",
        ] {
            assert!(DateTime::parse(s).is_err(), "{s}");
        }
        assert!(DateTime::parse("20000229T00:00:00").is_ok());
        assert!(DateTime::parse("19000229T00:00:00").is_err());
    }
}
