//! `/api/docs`: the OpenAPI document as a plain server-rendered page (each
//! path and method with its summary, parameters, body, answers and security,
//! then the schemas). No script and no inline style, so the CSP holds; it
//! reads the very document `/api/v1/openapi.json` serves.

use axum::response::Html;
use serde_json::{Map, Value};
use std::fmt::Write;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

pub async fn page() -> Html<String> {
    let doc: Value = serde_json::from_str(super::openapi::document_json()).unwrap_or_default();
    Html(render(&doc))
}

/// The page for an OpenAPI document.
pub fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let title = text(&info["title"]);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><link rel=\"stylesheet\" href=\"/pkg/shopfloor.css\"></head>\
         <body><main class=\"api-docs\"><h1>{t} <small>{v}</small></h1><p>{d}</p>\
         <p>The machine-readable document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> \
         (OpenAPI {o}).</p>",
        t = esc(&title),
        v = esc(&text(&info["version"])),
        d = esc(&text(&info["description"])),
        o = esc(&text(&doc["openapi"])),
    );
    let ops = operations(doc);
    h.push_str("<nav><h2>Operations</h2><ul>");
    for (path, method, op) in &ops {
        let _ = write!(
            h,
            "<li><a href=\"#{id}\"><code>{m} {p}</code></a> {s}</li>",
            id = anchor(method, path),
            m = method.to_uppercase(),
            p = esc(path),
            s = esc(&text(&op["summary"])),
        );
    }
    h.push_str("</ul></nav>");
    for (path, method, op) in &ops {
        operation(&mut h, path, method, op);
    }
    h.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            schema_section(&mut h, name, schema);
        }
    }
    h.push_str("</main></body></html>");
    h
}

fn operations(doc: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push((path.clone(), m, op));
                }
            }
        }
    }
    out
}

fn operation(h: &mut String, path: &str, method: &str, op: &Value) {
    let _ = write!(
        h,
        "<section id=\"{id}\"><h2><code>{m} {p}</code></h2><p><strong>{s}</strong></p>",
        id = anchor(method, path),
        m = method.to_uppercase(),
        p = esc(path),
        s = esc(&text(&op["summary"])),
    );
    let desc = text(&op["description"]);
    if !desc.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(&desc));
    }
    let secured = op["security"].as_array().is_some_and(|s| {
        s.iter()
            .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
    });
    h.push_str(if secured {
        "<p>Authentication: <code>Authorization: Bearer &lt;token&gt;</code> (or the session cookie).</p>"
    } else {
        "<p>Authentication: none.</p>"
    });
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        h.push_str(
            "<h3>Parameters</h3><table><thead><tr><th>name</th><th>in</th><th>type</th>\
             <th>required</th><th>description</th></tr></thead><tbody>",
        );
        for p in params {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&text(&p["name"])),
                esc(&text(&p["in"])),
                type_of(&p["schema"]),
                yes_no(p["required"].as_bool().unwrap_or(false)),
                esc(&text(&p["description"])),
            );
        }
        h.push_str("</tbody></table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        h.push_str("<h3>Request body</h3><ul>");
        for (mime, media) in content {
            let _ = write!(
                h,
                "<li><code>{}</code>: {}</li>",
                esc(mime),
                type_of(&media["schema"])
            );
        }
        h.push_str("</ul>");
    }
    if let Some(responses) = op["responses"].as_object() {
        h.push_str(
            "<h3>Responses</h3><table><thead><tr><th>status</th><th>description</th>\
             <th>body</th></tr></thead><tbody>",
        );
        for (status, r) in responses {
            let body = r["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(mime, media)| {
                            let t = if media["schema"].is_null() {
                                String::new()
                            } else {
                                format!(": {}", type_of(&media["schema"]))
                            };
                            format!("<code>{}</code>{t}", esc(mime))
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                esc(&text(&r["description"])),
                body
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>");
}

fn schema_section(h: &mut String, name: &str, schema: &Value) {
    let _ = write!(h, "<section id=\"schema-{n}\"><h3>{n}</h3>", n = esc(name));
    let desc = text(&schema["description"]);
    if !desc.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(&desc));
    }
    match schema["properties"].as_object() {
        Some(props) => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            h.push_str(
                "<table><thead><tr><th>field</th><th>type</th><th>required</th>\
                 <th>description</th></tr></thead><tbody>",
            );
            for (field, s) in props {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(field),
                    type_of(s),
                    yes_no(required.contains(&field.as_str())),
                    esc(&text(&s["description"])),
                );
            }
            h.push_str("</tbody></table>");
        }
        None => {
            let _ = write!(h, "<p>{}</p>", type_of(schema));
        }
    }
    h.push_str("</section>");
}

/// A schema in a few words, with links to named schemas.
fn type_of(s: &Value) -> String {
    let Some(o) = s.as_object() else {
        return String::new();
    };
    if let Some(r) = o.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{n}\">{n}</a>", n = esc(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = o.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(type_of).filter(|t| !t.is_empty()).collect();
            return parts.join(if key == "allOf" { " and " } else { " or " });
        }
    }
    let mut t = match o.get("type") {
        Some(Value::Array(ts)) => ts
            .iter()
            .map(|t| base_type(o, &text(t)))
            .collect::<Vec<_>>()
            .join(" or "),
        Some(t) => base_type(o, &text(t)),
        None => "any".into(),
    };
    if let Some(values) = o.get("enum").and_then(Value::as_array) {
        let vs: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&text(v))))
            .collect();
        let _ = write!(t, ": one of {}", vs.join(", "));
    }
    for (k, word) in [("minimum", "≥"), ("maximum", "≤")] {
        if let Some(n) = o.get(k) {
            let _ = write!(t, " {word} {n}");
        }
    }
    if let Some(p) = o.get("pattern").and_then(Value::as_str) {
        let _ = write!(t, " matching <code>{}</code>", esc(p));
    }
    t
}

fn base_type(o: &Map<String, Value>, t: &str) -> String {
    match t {
        "array" => format!(
            "array of {}",
            type_of(o.get("items").unwrap_or(&Value::Null))
        ),
        _ => match o.get("format").and_then(Value::as_str) {
            Some(f) => format!("{} ({})", esc(t), esc(f)),
            None => esc(t),
        },
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn anchor(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{method}{slug}")
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "T<x>", "version": "1"},
            "paths": {"/a/{id}": {"get": {
                "summary": "Get <a>",
                "security": [{"bearer": []}],
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "integer", "format": "int64"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {"Thing": {"type": "object", "required": ["n"],
                "properties": {"n": {"type": "string", "enum": ["a", "b"]}}}}}
        });
        let h = render(&doc);
        assert!(h.contains("T&lt;x&gt;"));
        assert!(!h.contains("<x>"));
        assert!(h.contains("<code>GET /a/{id}</code>"));
        assert!(h.contains("Get &lt;a&gt;"));
        assert!(h.contains("integer (int64)"));
        assert!(h.contains("<a href=\"#schema-Thing\">Thing</a>"));
        assert!(h.contains("one of <code>a</code>, <code>b</code>"));
        assert!(h.contains("Bearer &lt;token&gt;"));
        assert!(!h.contains("<script") && !h.contains("style="));
    }
}
