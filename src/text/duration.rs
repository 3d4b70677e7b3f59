//! ISO 8601 durations of fixed length: weeks, days, hours, minutes and seconds.

use std::time::Duration;

/// A parsed duration with its sign (`-P1D` is one day back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDuration {
    pub negative: bool,
    pub magnitude: Duration,
}

/// Why a text is not an ISO 8601 duration of fixed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IsoDurationError {
    #[error("it does not start with P")]
    NoDesignator,
    #[error("it has no component, such as 14D or T30S")]
    Empty,
    #[error("`{0}` is not a unit here (weeks and days before T; hours, minutes, seconds after)")]
    Unit(char),
    #[error("years and months have no fixed length")]
    Calendar,
    #[error("a number is missing or malformed (only seconds may have a fraction)")]
    Number,
    #[error("it is too long")]
    Overflow,
}

/// Parse `P15D`, `PT36H`, `P1W2DT3H4M5.5S`, `-P1D` (case-insensitive, optional sign).
/// Years and months are refused: their length is not fixed, and contract offsets are
/// stated in days.
pub fn parse_iso8601_duration(text: &str) -> Result<IsoDuration, IsoDurationError> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest
        .strip_prefix('P')
        .or_else(|| rest.strip_prefix('p'))
        .ok_or(IsoDurationError::NoDesignator)?;
    let (date, time) = match rest.find(['T', 't']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut secs = 0.0f64;
    let mut any = false;
    for (value, unit) in components(date)? {
        let factor = match unit {
            'W' => 7.0 * 86_400.0,
            'D' => 86_400.0,
            'Y' | 'M' => return Err(IsoDurationError::Calendar),
            other => return Err(IsoDurationError::Unit(other)),
        };
        secs += whole(value)? * factor;
        any = true;
    }
    if let Some(time) = time {
        if time.is_empty() {
            return Err(IsoDurationError::Empty);
        }
        for (value, unit) in components(time)? {
            secs += match unit {
                'H' => whole(value)? * 3_600.0,
                'M' => whole(value)? * 60.0,
                'S' => value.parse::<f64>().map_err(|_| IsoDurationError::Number)?,
                other => return Err(IsoDurationError::Unit(other)),
            };
            any = true;
        }
    }
    if !any {
        return Err(IsoDurationError::Empty);
    }
    let magnitude = Duration::try_from_secs_f64(secs).map_err(|_| IsoDurationError::Overflow)?;
    Ok(IsoDuration {
        negative,
        magnitude,
    })
}

/// A whole number of units (only seconds may have a fraction).
fn whole(value: &str) -> Result<f64, IsoDurationError> {
    if value.contains('.') {
        return Err(IsoDurationError::Number);
    }
    value
        .parse::<u64>()
        .map(|n| n as f64)
        .map_err(|_| IsoDurationError::Number)
}

/// Split `15D3W` into `[("15",'D'),("3",'W')]`.
fn components(s: &str) -> Result<Vec<(&str, char)>, IsoDurationError> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() || c == '.' {
            continue;
        }
        let value = &s[start..i];
        if value.is_empty() || value.starts_with('.') || value.ends_with('.') {
            return Err(IsoDurationError::Number);
        }
        out.push((value, c.to_ascii_uppercase()));
        start = i + c.len_utf8();
    }
    if start != s.len() {
        return Err(IsoDurationError::Number);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> Option<f64> {
        parse_iso8601_duration(text).ok().map(|d| {
            let s = d.magnitude.as_secs_f64();
            if d.negative { -s } else { s }
        })
    }

    #[test]
    fn weeks_days_hours_minutes_and_seconds_parse() {
        let cases: &[(&str, f64)] = &[
            ("P15D", 15.0 * 86_400.0),
            ("PT36H", 36.0 * 3_600.0),
            ("PT90M", 90.0 * 60.0),
            ("PT1.5S", 1.5),
            ("P1W", 7.0 * 86_400.0),
            ("P1DT2H3M4S", 86_400.0 + 7_200.0 + 180.0 + 4.0),
            ("-P1D", -86_400.0),
            ("+P1D", 86_400.0),
            ("p2d", 2.0 * 86_400.0),
        ];
        for (text, want) in cases {
            assert_eq!(secs(text), Some(*want), "{text}");
        }
    }

    #[test]
    fn malformed_or_calendar_durations_are_refused() {
        for bad in [
            "", "P", "PT", "15D", "P1Y", "P1M", "PT1X", "P1.5D", "PD", "P1DT", "P-1D", "P.5D",
            "PT1..S", "PT1.5H", "P1DX",
        ] {
            assert!(parse_iso8601_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn years_and_months_say_why() {
        assert_eq!(
            parse_iso8601_duration("P1M"),
            Err(IsoDurationError::Calendar)
        );
    }
}
