//! The mock-token convention: unsigned JWTs that carry the claims a mock needs.
//!
//! A mock token is `base64url(header) "." base64url(claims) "."` with the header
//! `{"alg":"none","typ":"JWT"}` and an empty signature. Claims:
//!
//! | claim | type | meaning |
//! |---|---|---|
//! | `tid` | string | the caller's tenant id (required) |
//! | `scp` | string | space-separated delegated scopes; present on delegated tokens |
//! | `roles` | string[] | application permissions; present (and `scp` absent) on app-only tokens |
//! | `wids` | string[] | directory role *template* ids of the signed-in user |
//! | `tenant_name` | string | display name of the tenant (optional) |
//! | `exp` | number | expiry in seconds since the Unix epoch (optional); a mock refuses an expired token with 401 |
//!
//! These are the claim names Entra uses in real access tokens, so a mock that reads
//! them reads what a real service would. Nothing here is a secret: mock tokens prove
//! nothing and are only for mocks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

const HEADER: &str = r#"{"alg":"none","typ":"JWT"}"#;

/// Claims of a mock token, as a mock reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MockClaims {
    pub tid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// Expiry, seconds since the Unix epoch (Entra's `exp`); none: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
}

impl MockClaims {
    /// Delegated scopes of the token (empty for app-only tokens).
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scp.as_deref().unwrap_or("").split_whitespace()
    }

    /// An app-only token: application `roles` and no delegated `scp` (Entra's rule).
    pub fn is_app_only(&self) -> bool {
        self.scp.is_none() && self.roles.is_some()
    }
}

/// Why a bearer token is not a usable mock token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not three dot-separated parts")]
    Shape,
    #[error("the token's {part} is not base64url")]
    Base64 { part: &'static str },
    #[error("the token's {part} is not a JSON object: {reason}")]
    Json { part: &'static str, reason: String },
    #[error("the token's claims are invalid: {reason}")]
    Claims { reason: String },
}

/// Encode any JSON object of claims as a mock token.
pub fn mint_mock_token(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(HEADER);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// Decode and check a mock token. The header must be a JSON object; its `alg` is not
/// checked, so a signed token's claims are read too (mocks verify nothing).
pub fn decode_mock_token(token: &str) -> Result<MockClaims, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Shape);
    };
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Base64 { part: "header" })?;
    let header: serde_json::Value =
        serde_json::from_slice(&header).map_err(|e| TokenError::Json {
            part: "header",
            reason: e.to_string(),
        })?;
    if !header.is_object() {
        return Err(TokenError::Json {
            part: "header",
            reason: "not an object".into(),
        });
    }
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| TokenError::Base64 { part: "payload" })?;
    let claims: MockClaims = serde_json::from_slice(&payload).map_err(|e| TokenError::Claims {
        reason: e.to_string(),
    })?;
    if claims.tid.trim().is_empty() {
        return Err(TokenError::Claims {
            reason: "`tid` is empty".into(),
        });
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minted_token_round_trips() {
        let t =
            mint_mock_token(&json!({"tid": "t1", "scp": "a b", "wids": ["w"], "tenant_name": "C"}));
        let c = decode_mock_token(&t).expect("decodes");
        assert_eq!(c.tid, "t1");
        assert_eq!(c.scopes().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(c.wids, vec!["w".to_string()]);
        assert!(!c.is_app_only());
    }

    #[test]
    fn minted_token_has_alg_none_header_and_empty_signature() {
        let t = mint_mock_token(&json!({"tid": "t"}));
        assert!(t.ends_with('.'));
        let header = t.split('.').next().unwrap_or_default();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(header).ok(),
            Some(HEADER.as_bytes().to_vec())
        );
    }

    #[test]
    fn app_only_token_is_recognised() {
        let t = mint_mock_token(&json!({"tid": "t", "roles": ["x"]}));
        assert!(
            decode_mock_token(&t)
                .map(|c| c.is_app_only())
                .unwrap_or(false)
        );
    }

    #[test]
    fn garbage_is_rejected_without_panicking() {
        for bad in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "!!.!!.",
            "e30.e30.",
            "e30.bm90anNvbg.",
        ] {
            assert!(decode_mock_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn missing_tid_is_rejected() {
        let t = mint_mock_token(&json!({"scp": "x"}));
        assert!(matches!(
            decode_mock_token(&t),
            Err(TokenError::Claims { .. })
        ));
    }
}
