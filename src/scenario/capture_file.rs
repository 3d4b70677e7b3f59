//! A capture as written: `name: $.path`, or `name: {path: $.path, optional: true}`.
//!
//! Deserialized by hand rather than with `untagged` (which would lose serde-saphyr's
//! positions): a string is the path, a mapping has the keys of [`CAPTURE_KEYS`], and an
//! unknown key is reported like any other (with a did-you-mean).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// Keys of the long form, for the loader and the editor schema alike.
pub(crate) const CAPTURE_KEYS: &[&str] = &["path", "optional"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaptureFile {
    /// JSONPath (may hold placeholders).
    pub path: String,
    /// An absent value is no failure: the variable stays unset, and the steps that
    /// need it are skipped.
    pub optional: bool,
}

impl<'de> Deserialize<'de> for CaptureFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CaptureVisitor)
    }
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = CaptureFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSONPath, or a mapping with `path` and `optional`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CaptureFile, E> {
        Ok(CaptureFile {
            path: v.to_string(),
            optional: false,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CaptureFile, A::Error> {
        let mut path: Option<String> = None;
        let mut optional: Option<bool> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "path" if path.is_some() => return Err(de::Error::duplicate_field("path")),
                "path" => path = Some(map.next_value()?),
                "optional" if optional.is_some() => {
                    return Err(de::Error::duplicate_field("optional"));
                }
                "optional" => optional = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, CAPTURE_KEYS)),
            }
        }
        Ok(CaptureFile {
            path: path.ok_or_else(|| de::Error::missing_field("path"))?,
            optional: optional.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<CaptureFile, String> {
        serde_saphyr::from_str::<CaptureFile>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn a_string_is_a_required_capture() {
        assert_eq!(
            parse("$.id"),
            Ok(CaptureFile {
                path: "$.id".into(),
                optional: false
            })
        );
    }

    #[test]
    fn the_long_form_marks_a_capture_optional() {
        assert_eq!(
            parse("{path: $.id, optional: true}"),
            Ok(CaptureFile {
                path: "$.id".into(),
                optional: true
            })
        );
    }

    #[test]
    fn the_long_form_refuses_unknown_keys_and_needs_a_path() {
        assert!(parse("{path: $.id, optinal: true}").is_err_and(|e| e.contains("optinal")));
        assert!(parse("{optional: true}").is_err_and(|e| e.contains("path")));
    }
}
