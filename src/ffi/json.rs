//! JSON arguments and results. A JSON argument that may hold a secret (a password, a client
//! secret) is reported by position only, never quoted.

use serde::de::DeserializeOwned;

use super::error::FfiError;

/// Parses a JSON argument; the error quotes the parser's message (for arguments without secrets).
pub(crate) fn parse<T: DeserializeOwned>(text: &str, param: &'static str) -> Result<T, FfiError> {
    serde_json::from_str(text).map_err(|e| FfiError::Json { param, detail: e.to_string() })
}

/// Parses a JSON argument that may hold secrets: the error says where and what kind of problem,
/// without the parser's message (which can quote the input).
pub(crate) fn parse_secret<T: DeserializeOwned>(text: &str, param: &'static str) -> Result<T, FfiError> {
    serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io => "unreadable input",
            serde_json::error::Category::Syntax => "a syntax error",
            serde_json::error::Category::Data => "a missing, unknown or mistyped field",
            serde_json::error::Category::Eof => "an unexpected end",
        };
        FfiError::Json { param, detail: format!("{what} at line {} column {}", e.line(), e.column()) }
    })
}

/// Serializes a result.
pub(crate) fn to_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, FfiError> {
    serde_json::to_string(value).map_err(|e| FfiError::Panic(format!("a result did not serialize: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        password: String,
    }

    #[test]
    fn secret_arguments_are_never_quoted() {
        let err = parse_secret::<Login>(r#"{"password": 12345678, "x": "hunter2"}"#, "config").unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("12345678") && !text.contains("hunter2"), "{text}");
        assert!(text.contains("line 1"), "{text}");
        let err = parse::<Login>("{", "config").unwrap_err();
        assert!(matches!(err, FfiError::Json { param: "config", .. }));
    }
}
