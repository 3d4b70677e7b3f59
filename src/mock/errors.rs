//! Graph error answers: a status, a code and a message, rendered as Graph's envelope
//! `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
//!
//! Codes follow the names Graph uses for the same situation elsewhere (`GRAPH-ERROR-BODY` in
//! `docs/contract.md`: usual, not guaranteed): permission failures are
//! `Authorization_RequestDenied`, business-rule refusals by the wrong party are
//! `Forbidden`, unknown ids `Request_ResourceNotFound`, unsupported OData options
//! `Request_UnsupportedQuery`.

use serde_json::{Map, Value, json};

/// One refusal. Handlers return it; the server renders it once, with the headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// `Allow` header value for 405 answers.
    pub allow: Option<String>,
}

impl GraphError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// 400: malformed body or parameter.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 400: an OData query option the operation does not support.
    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(400, "Request_UnsupportedQuery", message)
    }

    /// 401: no token, or not a token.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(401, "InvalidAuthenticationToken", message)
    }

    /// 403: the token lacks the scope, the role, or is app-only on a write.
    pub fn denied(message: impl Into<String>) -> Self {
        Self::new(403, "Authorization_RequestDenied", message)
    }

    /// 403: the caller has the permission but is the wrong party, or a precondition of
    /// the other tenant is not met.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    /// 404: unknown id, or an object the caller is not party to.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "Request_ResourceNotFound", message)
    }

    /// 405 with the methods the path offers; an empty `Allow` where it offers none
    /// (RFC 9110 §10.2.1: "the resource allows no methods").
    pub fn method_not_allowed(method: &str, allow: String) -> Self {
        let message = if allow.is_empty() {
            format!(
                "The HTTP method '{method}' is not supported on this resource; it offers no methods: use its collections and settings."
            )
        } else {
            format!("The HTTP method '{method}' is not supported on this resource; use {allow}.")
        };
        GraphError {
            status: 405,
            code: "MethodNotAllowed",
            message,
            allow: Some(allow),
        }
    }

    /// 409: the object's state forbids the change.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "Conflict", message)
    }

    /// The envelope. `inner` false drops `innerError` (the fault
    /// `error-without-inner-error`).
    pub fn body(
        &self,
        date: &str,
        request_id: &str,
        client_request_id: &str,
        inner: bool,
    ) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), Value::from(self.code));
        error.insert("message".into(), Value::from(self.message.as_str()));
        if inner {
            error.insert(
                "innerError".into(),
                json!({
                    "date": date,
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                }),
            );
        }
        let mut root = Map::new();
        root.insert("error".into(), Value::Object(error));
        Value::Object(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_code_message_and_inner_error() {
        let e = GraphError::not_found("gone");
        let b = e.body("2026-01-01T00:00:00", "r", "c", true);
        assert_eq!(b["error"]["code"], "Request_ResourceNotFound");
        assert_eq!(b["error"]["message"], "gone");
        assert_eq!(b["error"]["innerError"]["date"], "2026-01-01T00:00:00");
        assert_eq!(b["error"]["innerError"]["request-id"], "r");
        assert_eq!(b["error"]["innerError"]["client-request-id"], "c");
    }

    #[test]
    fn envelope_without_inner_error_when_asked() {
        let b = GraphError::conflict("x").body("d", "r", "c", false);
        assert!(b["error"].get("innerError").is_none());
    }

    #[test]
    fn method_not_allowed_carries_allow() {
        let e = GraphError::method_not_allowed("PUT", "GET, PATCH".into());
        assert_eq!(e.status, 405);
        assert_eq!(e.allow.as_deref(), Some("GET, PATCH"));
    }
}
