//! Text helpers every layer may use (the mock included): ISO 8601 durations,
//! percent-encoding of URL components, and clipping text for messages. A leaf: it
//! imports nothing of the crate.

mod clip;
mod duration;
mod percent;

pub use clip::{clip, one_line};
pub use duration::{IsoDuration, IsoDurationError, parse_iso8601_duration};
pub use percent::{encode_odata_query, encode_query_component};
