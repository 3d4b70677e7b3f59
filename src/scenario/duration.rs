use std::time::Duration;

/// Parse a duration written as ISO 8601 (`P14D`, `PT1M30S`, `P1DT2H`; the grammar of
/// [`crate::text::parse_iso8601_duration`], which the mock's clock shares) or as a
/// short form (`500ms`, `2s`, `5m`, `1h`, `3d`). Never negative.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t.starts_with(['P', 'p']) {
        return crate::text::parse_iso8601_duration(t)
            .ok()
            .map(|d| d.magnitude)
            .ok_or_else(|| format!("`{text}` is not an ISO 8601 duration such as P14D or PT30S"));
    }
    parse_short(t)
        .ok_or_else(|| format!("`{text}` is not a duration such as 500ms, 2s, 5m, P14D or PT30S"))
}

fn parse_short(t: &str) -> Option<Duration> {
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok()?;
    let factor = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3_600.0,
        "d" => 86_400.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(n * factor).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_days_and_times_parse() {
        assert_eq!(parse_duration("P14D"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration("PT1M30S"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("P1DT1H"), Ok(Duration::from_secs(90_000)));
    }

    #[test]
    fn short_forms_parse() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn months_and_garbage_are_refused() {
        for bad in ["P1M", "P", "PT", "5", "abc", "", "P1Y", "-5s", "P1.5D"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
