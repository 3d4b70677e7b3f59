//! Percent-encoding of query components, with the `percent-encoding` crate.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// As [`COMPONENT`], but `$` stays: OData system query options are written `$top`,
/// and Graph documents them so.
const ODATA_QUERY: &AsciiSet = &COMPONENT.remove(b'$');

/// One query component (a name or a value), RFC 3986 unreserved characters kept.
pub fn encode_query_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// As [`encode_query_component`], keeping `$` (`$filter=status%20eq%20%27active%27`).
pub fn encode_odata_query(s: &str) -> String {
    utf8_percent_encode(s, ODATA_QUERY).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_query_keeps_dollar_and_escapes_spaces_and_quotes() {
        assert_eq!(encode_odata_query("$filter"), "$filter");
        assert_eq!(
            encode_odata_query("status eq 'active'"),
            "status%20eq%20%27active%27"
        );
    }

    #[test]
    fn a_component_escapes_dollar_and_reserved_characters_but_not_unreserved() {
        assert_eq!(encode_query_component("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(encode_query_component("$x&y=z/é"), "%24x%26y%3Dz%2F%C3%A9");
    }
}
