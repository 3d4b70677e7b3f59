//! Where requests go: the embedded mock or a URL, the profile that maps actors to
//! tenants and tokens, and the token sources.

mod actors;
mod profile;
mod profile_schema;
mod token;

pub use actors::{ActorBinding, ActorSet, UnknownActor, bind_actors};
pub use profile::{ActorSpec, Profile, ProfileError, TenantSpec, TokenSpec};
pub use profile_schema::{profile_schema, profile_schema_undescribed};
pub use token::{TokenCache, TokenError};

/// How much care a target needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// The mock started in-process by this run.
    Embedded,
    /// Another server on loopback: a mock or a test double.
    Loopback,
    /// Anything else: assumed to be a real tenant, so mutations need consent.
    Real,
}

/// Classify a base URL: loopback hosts are test servers, everything else is real.
pub fn classify_url(url: &str) -> TargetKind {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false);
    if loopback {
        TargetKind::Loopback
    } else {
        TargetKind::Real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_are_not_real() {
        for u in [
            "http://127.0.0.1:8080/beta",
            "http://localhost/beta",
            "http://[::1]:9/x",
            "http://127.9.9.9",
        ] {
            assert_eq!(classify_url(u), TargetKind::Loopback, "{u}");
        }
    }

    #[test]
    fn other_urls_are_real() {
        for u in [
            "https://graph.microsoft.com/beta",
            "http://10.0.0.1/beta",
            "https://127.0.0.1.evil.com/x",
            "https://localhost@graph.microsoft.com/",
        ] {
            assert_eq!(classify_url(u), TargetKind::Real, "{u}");
        }
    }
}
