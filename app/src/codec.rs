//! The JSON every server function and REST body is read with. Before the
//! typed value is built, the JSON is walked once: a string (or key) with a
//! control character other than tab, CR or LF is refused, naming its path.
//! Then serde_path_to_error names the argument a bad value sits in, and the
//! message is said in words a user (or an integrator) can act on, never in
//! serde's own text.

use domain::FieldError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// Server functions take their arguments as JSON in a POST body, read with
/// [`parse_json`]: `#[server(..., input = Json)]` with this `Json`.
pub type Json = Post<CheckedJson>;

pub struct CheckedJson;

impl ContentType for CheckedJson {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for CheckedJson {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for CheckedJson {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for CheckedJson {
    type Error = ArgsError;

    /// On the server this reads a call's arguments, inside its request: a bad
    /// one answers with the status of a field error, not 500. In the browser
    /// it reads the server's answers, which are not checked again.
    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        #[cfg(feature = "ssr")]
        {
            parse_json(&bytes).map_err(|f| {
                crate::ssr::reject(domain::AppError::Invalid(f.clone()));
                ArgsError(f)
            })
        }
        #[cfg(not(feature = "ssr"))]
        {
            serde_json::from_slice(&bytes)
                .map_err(|_| ArgsError(FieldError::new("body", "could not be read")))
        }
    }
}

/// A bad argument, crossing server_fn's text-only error as
/// [`FieldError::to_args_text`].
#[derive(Debug)]
pub struct ArgsError(pub FieldError);

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_args_text())
    }
}

/// JSON bytes to a typed value, or a field error naming where it is wrong.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| FieldError::new("body", "is not valid JSON"))?;
    check_text(&value, &mut String::new())?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        field_error_from_serde(&path, &e.into_inner().to_string())
    })
}

/// Whether a string may be stored: no control characters but tab, CR and LF.
pub fn clean_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
}

fn check_text(v: &serde_json::Value, path: &mut String) -> Result<(), FieldError> {
    use serde_json::Value;
    let refuse = |p: &str| {
        Err(FieldError::new(
            if p.is_empty() { "body" } else { p },
            "must not contain control characters",
        ))
    };
    match v {
        Value::String(s) if !clean_text(s) => refuse(path),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&safe_name(k));
                if !clean_text(k) {
                    return refuse(path);
                }
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A field name fit to echo back: keys are client text.
fn safe_name(k: &str) -> String {
    k.chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// serde's error for the value at `path`, said in words: the field it names
/// and what is wrong, without type names or positions.
pub fn field_error_from_serde(path: &str, msg: &str) -> FieldError {
    let at = |name: &str| -> String {
        let name = safe_name(name);
        match path {
            "" | "." => name,
            p => format!("{p}.{name}"),
        }
    };
    let here = || match path {
        "" | "." => "body".to_string(),
        p => p.to_string(),
    };
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return FieldError::new(&at(&quoted(rest).unwrap_or_default()), "is required");
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return FieldError::new(
            &at(&quoted(rest).unwrap_or_default()),
            "is given more than once",
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return FieldError::new(
            &at(&quoted(rest).unwrap_or_default()),
            "is not a known field",
        );
    }
    if msg.starts_with("unknown variant ") {
        let allowed: Vec<&str> = msg
            .split_once("expected ")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let message = if allowed.is_empty() {
            "is not one of the allowed values".to_string()
        } else {
            format!("must be one of {}", allowed.join(", "))
        };
        return FieldError::new(&here(), message);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let expected = rest.split_once("expected ").map(|(_, e)| e).unwrap_or("");
        return FieldError::new(&here(), expected_words(expected));
    }
    if msg.starts_with("invalid value: ") {
        let expected = msg.split_once("expected ").map(|(_, e)| e).unwrap_or("");
        return FieldError::new(&here(), expected_words(expected));
    }
    if msg.starts_with("invalid length ") {
        return FieldError::new(&here(), "has the wrong number of items");
    }
    // A domain type's own check (`de::Error::custom`): its words are meant
    // for users; positions are cut off in any case.
    let words = msg.split(" at line ").next().unwrap_or(msg);
    FieldError::new(&here(), words.to_string())
}

fn expected_words(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| e.contains(x));
    if has(&[
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "integer",
    ]) {
        "must be a whole number".into()
    } else if has(&["f32", "f64", "number"]) {
        "must be a number".into()
    } else if has(&["bool"]) {
        "must be true or false".into()
    } else if has(&["string", "char"]) {
        "must be text".into()
    } else if has(&["sequence", "tuple", "vec"]) {
        "must be a list".into()
    } else if has(&["struct", "map"]) {
        "must be an object".into()
    } else if has(&["variant", "enum"]) {
        "is not one of the allowed values".into()
    } else {
        "has the wrong type".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        title: String,
        qty: i64,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Args {
        id: i64,
        input: Inner,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn err(body: &str) -> FieldError {
        parse_json::<Args>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn bad_arguments_are_named_in_words() {
        let e = err(r#"{"id":"x","input":{"title":"a","qty":1}}"#);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("id", "must be a whole number")
        );
        let e = err(r#"{"id":1,"input":{"title":"a"}}"#);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("input.qty", "is required")
        );
        let e = err(r#"{}"#);
        assert_eq!(e.field, "id");
        let e = err("not json");
        assert_eq!(e.field, "body");
        assert!(!e.message.contains("expected"), "{}", e.message);
        let e = err(r#"{"id":1,"input":{"title":7,"qty":1}}"#);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("input.title", "must be text")
        );
    }

    #[test]
    fn control_characters_are_refused_with_their_path() {
        let e = err("{\"id\":1,\"input\":{\"title\":\"a\\u0000b\",\"qty\":1}}");
        assert_eq!(e.field, "input.title");
        let e = err(
            "{\"id\":1,\"input\":{\"title\":\"a\",\"qty\":1},\"tags\":[\"ok\",\"\\u001b[31m\"]}",
        );
        assert_eq!(e.field, "tags[1]");
        let e = err("{\"id\":1,\"input\":{\"title\":\"a\",\"qty\":1},\"\\u0007\":1}");
        assert_eq!(e.field, "?");
        let ok: Args =
            parse_json(b"{\"id\":1,\"input\":{\"title\":\"line\\none\\r\\n\\tx\",\"qty\":1}}")
                .unwrap();
        assert_eq!(ok.input.title, "line\none\r\n\tx");
    }

    #[test]
    fn args_text_round_trips() {
        let f = FieldError::new("input.title", "must be text: really");
        let back = FieldError::from_args_text(&ArgsError(f.clone()).to_string()).unwrap();
        assert_eq!(back, f);
    }
}
