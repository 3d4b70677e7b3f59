//! The mock's notion of time: real UTC plus offsets that `/_mock/clock` moves, and
//! the timestamp formats Graph uses.
//!
//! Offsets are kept per tenant (plus one global offset for token-less control calls),
//! so one scenario moving its tenants' clock never moves another scenario's. An object
//! shared by two tenants lives at the later of their two clocks (`Store::now_for`).

use chrono::{DateTime, Duration, SecondsFormat, Timelike, Utc};

/// Real time, truncated to Graph's 100 ns tick so a stored instant and its rendering
/// agree exactly.
pub(crate) fn real_now() -> DateTime<Utc> {
    truncate(Utc::now())
}

pub(crate) fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond() % 1_000_000_000;
    t.with_nanosecond(nanos - nanos % 100).unwrap_or(t)
}

/// `2026-01-01T18:25:09.4212828Z`: seven fractional digits as Graph writes them.
/// `zone` false drops the `Z` (the fault `date-without-zone`). Written field by field:
/// it runs for every timestamp of every answer, and chrono's `format` re-parses its
/// pattern each time.
pub(crate) fn format_time(t: DateTime<Utc>, zone: bool) -> String {
    use chrono::Datelike;
    let mut buf = [0u8; 28];
    let ticks = (t.nanosecond() % 1_000_000_000) / 100;
    // Years outside 0..=9999 cannot occur: the clock stays within a century of now.
    let fields: [(u32, usize); 7] = [
        (t.year().clamp(0, 9999) as u32, 4),
        (t.month(), 2),
        (t.day(), 2),
        (t.hour(), 2),
        (t.minute(), 2),
        (t.second(), 2),
        (ticks, 7),
    ];
    let seps = [b'-', b'-', b'T', b':', b':', b'.', b'Z'];
    let mut at = 0;
    for ((value, width), sep) in fields.into_iter().zip(seps) {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        at += width;
        buf[at] = sep;
        at += 1;
    }
    let len = if zone { at } else { at - 1 };
    String::from_utf8_lossy(&buf[..len]).into_owned()
}

/// `innerError.date`: Graph writes it without fraction and without zone.
pub(crate) fn format_inner_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The HTTP `Date` header (IMF-fixdate).
pub(crate) fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An RFC 3339 instant, for `{"set": …}`.
pub(crate) fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| truncate(t.with_timezone(&Utc)))
}

/// RFC 3339 with `Z`, for control answers.
pub(crate) fn format_control(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An ISO 8601 duration with an optional sign (`P15D`, `PT36H`, `-P1D`), in the grammar
/// scenarios use too ([`crate::text::parse_iso8601_duration`]).
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let d = crate::text::parse_iso8601_duration(text).ok()?;
    let magnitude = Duration::from_std(d.magnitude).ok()?;
    Some(if d.negative { -magnitude } else { magnitude })
}

/// An offset as an ISO 8601 duration in seconds, for control answers.
pub(crate) fn format_offset(d: Duration) -> String {
    let secs = d.num_seconds();
    if secs < 0 {
        format!("-PT{}S", -secs)
    } else {
        format!("PT{secs}S")
    }
}

/// A fixed instant for tests.
#[cfg(test)]
pub(crate) fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap_or_else(Utc::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_offset_keeps_its_sign() {
        assert_eq!(
            parse_duration("-P1D").map(|d| d.num_seconds()),
            Some(-86_400)
        );
        assert_eq!(parse_duration("PT36H").map(|d| d.num_hours()), Some(36));
        assert!(parse_duration("P1M").is_none());
    }

    #[test]
    fn times_render_with_seven_digits_and_zone() {
        let t = at(2026, 1, 1, 18, 25, 9) + Duration::nanoseconds(421_282_800);
        assert_eq!(format_time(t, true), "2026-01-01T18:25:09.4212828Z");
        assert_eq!(format_time(t, false), "2026-01-01T18:25:09.4212828");
        assert_eq!(format_inner_date(t), "2026-01-01T18:25:09");
        assert_eq!(http_date(t), "Thu, 01 Jan 2026 18:25:09 GMT");
    }

    #[test]
    fn instants_parse_in_any_offset() {
        let t = parse_instant("2026-03-01T02:00:00+02:00");
        assert_eq!(t, Some(at(2026, 3, 1, 0, 0, 0)));
        assert!(parse_instant("2026-03-01").is_none());
    }

    #[test]
    fn real_now_is_on_a_100ns_tick() {
        assert_eq!(real_now().nanosecond() % 100, 0);
    }
}
