//! The `/api/v1` OpenAPI document: served, OpenAPI 3.x, the same list of
//! operations the router serves, every 4xx with the error body, and the
//! `/api/docs` page rendered from it. Not database-specific: SQLite only.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((path.clone(), m.to_string()));
            }
        }
    }
    out
}

async fn app() -> TestApp {
    TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available")
}

async fn served_document(app: &TestApp) -> Value {
    let res = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    serde_json::from_str(&res.text().await.unwrap()).expect("the document is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_is_openapi_3_and_lists_what_the_router_serves() {
    let app = app().await;
    let doc = served_document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3."),
        "not OpenAPI 3.x: {}",
        doc["openapi"]
    );
    // The served document is the one the router was built with.
    let built = serde_json::to_value(shopfloor::rest::document()).unwrap();
    let ops = operations(&doc);
    assert_eq!(ops, operations(&built));
    // Every module's REST API is in it, under /api/v1.
    for prefix in ["/api/v1/auth/", "/api/v1/maintenance/", "/api/v1/admin/"] {
        assert!(
            ops.iter().any(|(p, _)| p.starts_with(prefix)),
            "nothing under {prefix}"
        );
    }
    assert!(ops.iter().all(|(p, _)| p.starts_with("/api/v1/")));

    // Each documented operation is served: not the API's "no such endpoint"
    // fallback, not 405. Each other method on a documented path is not.
    let http = reqwest::Client::new();
    let paths: BTreeSet<&String> = ops.iter().map(|(p, _)| p).collect();
    for path in paths {
        let concrete = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for m in ["get", "put", "post", "delete", "patch"] {
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let res = http
                .request(method, app.url(&concrete))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            let fallback = status == 404 && body.contains("API endpoint");
            if ops.contains(&(path.clone(), m.to_string())) {
                assert!(
                    !fallback && status != 405,
                    "{m} {path} is documented but not served ({status} {body})"
                );
            } else {
                assert_eq!(
                    status, 405,
                    "{m} {path} is served but not documented ({body})"
                );
            }
        }
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_documents_its_errors_and_security() {
    let app = app().await;
    let doc = served_document(&app).await;
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let error_ref = "#/components/schemas/ErrorBody";
    let body = &doc["components"]["schemas"]["ErrorBody"];
    let required: Vec<&str> = body["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(required.contains(&"code") && required.contains(&"message"));
    assert!(body["properties"]["field"].is_object());
    let public = [
        "/api/v1/openapi.json",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset",
        // Signed by the provider, not by a user.
        "/api/v1/whatsapp/webhook",
    ];
    for (path, m) in operations(&doc) {
        let op = &doc["paths"][&path][&m];
        let what = format!("{m} {path}");
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: no summary"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{what}: no success answer"
        );
        for (status, r) in responses {
            if status.starts_with('4') {
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"], error_ref,
                    "{what}: {status} without the error body"
                );
            }
        }
        let bearer = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        if !public.contains(&path.as_str()) {
            assert!(bearer, "{what}: no bearer security");
            assert!(responses.contains_key("401"), "{what}: no 401");
        }
        let takes_input = op.get("requestBody").is_some()
            || op["parameters"].as_array().is_some_and(|p| {
                p.iter().any(|p| {
                    p["in"] == "path" || p["in"] == "query" || p["name"] == "Idempotency-Key"
                })
            });
        if takes_input && path != "/api/v1/events" {
            assert!(responses.contains_key("422"), "{what}: no 422");
        }
        if op["requestBody"]["content"]["application/json"].is_object() {
            assert!(responses.contains_key("415"), "{what}: no 415");
            assert!(responses.contains_key("413"), "{what}: no 413");
        }
    }
    app.finish().await;
}

/// Every `$ref` in `v`, recursively.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            o.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reference_resolves() {
    let app = app().await;
    let doc = served_document(&app).await;
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_page_lists_every_operation() {
    let app = app().await;
    let doc = served_document(&app).await;
    let res = reqwest::get(app.url("/api/docs")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script") && !html.contains("<style") && !html.contains("style="));
    for (path, m) in operations(&doc) {
        let line = format!("<code>{} {}</code>", m.to_uppercase(), path);
        assert!(html.contains(&line), "{line} missing from /api/docs");
    }
    assert!(html.contains("id=\"schema-ErrorBody\""));
    assert!(html.contains("id=\"schema-Request\""));
    app.finish().await;
}
