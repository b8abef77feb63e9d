//! The HTTP layer's security rules: client address behind proxies, sign-in
//! redirects, caching and sign-out, cross-site sign-in, content types, body
//! limits, argument errors of server functions, headers and /metrics.

mod common;
use common::*;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the REST API and returns the session cookie (`name=value`).
async fn cookie_for(app: &TestApp, username: &str) -> String {
    let res = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set = res.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

/// A server function called as the browser does: JSON, with the cookie.
async fn sfn(app: &TestApp, cookie: &str, path: &str, body: &str) -> (u16, Value) {
    let res = Client::new()
        .post(app.url(path))
        .header("cookie", cookie)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    json(res).await
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

// ---- 2. client address: X-Forwarded-For only from a trusted proxy --------

/// The real middleware stack around a route that echoes the client address.
async fn whoami_server(app: &TestApp, trusted: &[&str]) -> String {
    use app::ssr::axum_connect_info::ClientAddr;
    let http = HttpConfig {
        trusted_proxies: trusted
            .iter()
            .map(|p| shopfloor::config::parse_proxy(p).unwrap())
            .collect(),
        ..HttpConfig::default()
    };
    let router = axum::Router::new().route(
        "/whoami",
        axum::routing::get(
            |axum::Extension(ClientAddr(a)): axum::Extension<ClientAddr>| async move { a },
        ),
    );
    let router = shopfloor::middleware::apply(router, &app.svc, std::sync::Arc::new(http));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}/whoami")
}

async fn whoami(url: &str, xff: Option<&str>) -> String {
    let mut req = Client::new().get(url);
    if let Some(v) = xff {
        req = req.header("x-forwarded-for", v);
    }
    req.send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let url = whoami_server(&app, &[]).await;
    assert_eq!(whoami(&url, None).await, "127.0.0.1");
    assert_eq!(whoami(&url, Some("198.51.100.7")).await, "127.0.0.1");
    // Trusting some other network does not make this peer trusted.
    let url = whoami_server(&app, &["10.0.0.0/8"]).await;
    assert_eq!(whoami(&url, Some("198.51.100.7")).await, "127.0.0.1");
    app.finish().await;
}

#[tokio::test]
async fn forwarded_for_is_believed_from_a_trusted_proxy() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let url = whoami_server(&app, &["127.0.0.1"]).await;
    assert_eq!(whoami(&url, Some("198.51.100.7")).await, "198.51.100.7");
    // A client's own entry is left of what the proxy appended: ignored.
    assert_eq!(
        whoami(&url, Some("6.6.6.6, 198.51.100.7")).await,
        "198.51.100.7"
    );
    // Hops that are themselves trusted proxies are skipped.
    assert_eq!(
        whoami(&url, Some("198.51.100.7, 127.0.0.1")).await,
        "198.51.100.7"
    );
    assert_eq!(whoami(&url, None).await, "127.0.0.1");
    app.finish().await;
}

// ---- 5. the no-JavaScript sign-in form only redirects inside the app -----

async fn form_login(app: &TestApp, next: &str, origin: Option<&str>) -> reqwest::Response {
    let mut req = no_redirects().post(app.url("/login")).form(&[
        ("username", "supervisor"),
        ("password", DEMO_PASSWORD),
        ("next", next),
    ]);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap()
}

on_both!(
    sign_in_form_refuses_to_redirect_off_site,
    |app: TestApp| async move {
        let res = form_login(&app, "/maintenance?status=open", None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&res, "location"), "/maintenance?status=open");
        for evil in [
            "/\\evil.example",
            "//evil.example",
            "/%2F%2Fevil.example",
            "/\t/evil.example",
            "https:evil.example",
            "/.//evil.example",
        ] {
            let res = form_login(&app, evil, None).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{evil:?}");
            assert_eq!(res.headers()[LOCATION], "/", "{evil:?}");
        }
        app.finish().await;
    }
);

// ---- 6. nothing signed-in is cached; sign-out clears the site's data -----

on_both!(
    signed_in_answers_are_not_stored,
    |app: TestApp| async move {
        let cookie = cookie_for(&app, "maintenance").await;
        let c = Client::new();
        let page = c
            .get(app.url("/maintenance"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        assert!(header(&page, "content-type").starts_with("text/html"));
        assert_eq!(header(&page, "cache-control"), "no-store");
        // The CSP allows no inline style: a signed-in page has none either.
        let html = page.text().await.unwrap();
        assert!(html.contains("request-row"), "the list is server-rendered");
        assert!(!html.contains(" style=") && !html.contains("<style"));
        let api = app.login("maintenance").await;
        let res = api.get("/api/v1/maintenance/requests").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
        let res = api.get("/api/v1/maintenance/requests/nope").await;
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
        let res = c
            .post(app.url("/sfn/maintenance/list"))
            .header("cookie", &cookie)
            .json(&json!({"filter": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
        app.finish().await;
    }
);

on_both!(sign_out_clears_site_data, |app: TestApp| async move {
    let api = app.login("operator").await;
    let res = api.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "clear-site-data"), "\"cache\", \"storage\"");

    let cookie = cookie_for(&app, "operator").await;
    let res = Client::new()
        .post(app.url("/sfn/auth/logout"))
        .header("cookie", &cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "clear-site-data"), "\"cache\", \"storage\"");
    // And the session is gone.
    let (status, _) = sfn(&app, &cookie, "/sfn/maintenance/list", r#"{"filter":{}}"#).await;
    assert_eq!(status, 401);
    app.finish().await;
});

// ---- 7. login CSRF and JSON-only endpoints --------------------------------

on_both!(cross_site_sign_in_is_refused, |app: TestApp| async move {
    let sessions = app.count("sessions").await;
    // The no-JS form, posted from another site.
    let res = form_login(&app, "/maintenance", Some("http://evil.example")).await;
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let res = no_redirects()
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", "supervisor"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The JSON sign-in, from another site.
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let res = Client::new()
            .post(app.url("/api/v1/auth/login"))
            .header(name, value)
            .json(&json!({"username": "supervisor", "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, 403, "{name}: {value}");
        assert_eq!(body["code"], "forbidden");
    }
    assert_eq!(app.count("sessions").await, sessions);
    // Our own origin, and non-browser clients (neither header), still sign in.
    let res = form_login(&app, "/maintenance", Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get("set-cookie").is_some());
    let res = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"username": "supervisor", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.finish().await;
});

on_both!(json_endpoints_require_json, |app: TestApp| async move {
    let login = json!({"username": "supervisor", "password": DEMO_PASSWORD}).to_string();
    for ct in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let mut req = Client::new()
            .post(app.url("/api/v1/auth/login"))
            .body(login.clone());
        if !ct.is_empty() {
            req = req.header(CONTENT_TYPE, ct);
        }
        let (status, body) = json(req.send().await.unwrap()).await;
        assert_eq!(status, 415, "{ct}");
        assert_eq!(body["code"], "unsupported_media_type");
    }
    let api = app.login("supervisor").await;
    let res = api
        .http
        .post(app.url("/api/v1/maintenance/requests"))
        .bearer_auth(&api.token)
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"machine_id":1,"kind":"breakdown","priority":"low","title":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let cookie = cookie_for(&app, "supervisor").await;
    let res = Client::new()
        .post(app.url("/sfn/maintenance/get"))
        .header("cookie", &cookie)
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"id":1}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 415);
    assert_eq!(body["code"], "unsupported_media_type");
    // With the right type and charset, it works.
    let res = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(login)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.finish().await;
});

// ---- 11. headers and /metrics ----------------------------------------------

#[tokio::test]
async fn security_headers_without_inline_styles_and_hsts_only_under_https() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let res = Client::new().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(res.headers().get("strict-transport-security").is_none());
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("style=") && !html.contains("<style"),
        "inline style in the sign-in page"
    );
    app.finish().await;

    let app = TestApp::spawn_with(Backend::Sqlite, |c, _| {
        c.public_url = "https://plant.example.com".into()
    })
    .await
    .unwrap();
    let res = Client::new().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        header(&res, "strict-transport-security"),
        "max-age=31536000"
    );
    app.finish().await;
}

#[tokio::test]
async fn metrics_need_the_configured_token() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let res = Client::new().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404, "no token configured: no metrics");
    app.finish().await;

    let token = "metrics-token-for-tests";
    let app = TestApp::spawn_with(Backend::Sqlite, |_, h| h.metrics_token = Some(token.into()))
        .await
        .unwrap();
    let c = Client::new();
    let res = c.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-for-tesTS")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = c
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let metrics = res.text().await.unwrap();
    assert!(
        metrics.contains("http_requests_total")
            && metrics.contains("http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    app.finish().await;
}

// ---- 13. bad input: 4xx naming the argument, never 500 ----------------------

/// No serde wording, type names or positions in what the client reads.
fn assert_no_serde_text(body: &Value) {
    let s = body.to_string();
    for leak in [
        "invalid type",
        "expected",
        "i64",
        "at line",
        "column",
        "struct ",
    ] {
        assert!(!s.contains(leak), "{leak:?} leaked: {s}");
    }
}

on_both!(
    server_functions_name_the_bad_argument,
    |app: TestApp| async move {
        let cookie = cookie_for(&app, "supervisor").await;
        for (body, field) in [
            (r#"{"id":"x"}"#, "id"),
            ("{}", "id"),
            (r#"{"id":1.5}"#, "id"),
        ] {
            let (status, b) = sfn(&app, &cookie, "/sfn/maintenance/get", body).await;
            assert_eq!(status, 422, "{body}: {b}");
            assert_eq!(b["code"], "invalid", "{b}");
            assert_eq!(b["field"], field, "{b}");
            assert_no_serde_text(&b);
        }
        let (status, b) = sfn(&app, &cookie, "/sfn/maintenance/get", "not json").await;
        assert_eq!(status, 422, "{b}");
        assert_eq!(b["field"], "body");
        assert_no_serde_text(&b);
        let (status, b) = sfn(
            &app,
            &cookie,
            "/sfn/maintenance/create",
            r#"{"idempotency_key":"k-missing"}"#,
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(b["field"], "input");
        let (status, b) = sfn(
            &app,
            &cookie,
            "/sfn/maintenance/create",
            &json!({"idempotency_key": "k-type", "input": {
                "machine_id": "CNC", "kind": "breakdown", "priority": "low", "title": "t"}})
            .to_string(),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(b["field"], "input.machine_id");
        assert_no_serde_text(&b);
        app.finish().await;
    }
);

on_both!(
    control_characters_are_refused_naming_the_field,
    |app: TestApp| async move {
        let before = app.count("maintenance_requests").await;
        let m = app.machine_id("CUT-01").await;
        let cookie = cookie_for(&app, "supervisor").await;
        for (i, bad) in [
            "a\u{0}b",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "del\u{7f}",
            "c1\u{85}",
        ]
        .iter()
        .enumerate()
        {
            let body = json!({"idempotency_key": format!("cc-{i}"), "input": {
                "machine_id": m, "kind": "breakdown", "priority": "low", "title": bad}});
            let (status, b) =
                sfn(&app, &cookie, "/sfn/maintenance/create", &body.to_string()).await;
            assert_eq!(status, 422, "{bad:?}: {b}");
            assert_eq!(b["field"], "input.title", "{b}");
        }
        let api = app.login("supervisor").await;
        let (status, b) = json(
            api.post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": m, "kind": "breakdown", "priority": "low", "title": "ok",
                       "description": "line one\u{0}"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{b}");
        assert_eq!(b["field"], "description");
        assert_eq!(app.count("maintenance_requests").await, before);
        // Tabs and line breaks are text.
        let (status, b) = json(
            api.post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": m, "kind": "breakdown", "priority": "low",
                       "title": "Spindle noise", "description": "line one\r\nline\ttwo"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{b}");
        app.finish().await;
    }
);

on_both!(
    bodies_over_the_limit_answer_413,
    |app: TestApp| async move {
        let big = format!(
            r#"{{"machine_id":1,"kind":"breakdown","priority":"low","title":"{}"}}"#,
            "x".repeat(3 * 1024 * 1024)
        );
        let api = app.login("supervisor").await;
        let res = api
            .http
            .post(app.url("/api/v1/maintenance/requests"))
            .bearer_auth(&api.token)
            .header(CONTENT_TYPE, "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        let (status, b) = json(res).await;
        assert_eq!(status, 413);
        assert_eq!(b["code"], "too_large");
        let cookie = cookie_for(&app, "supervisor").await;
        let (status, b) = sfn(&app, &cookie, "/sfn/maintenance/get", &big).await;
        assert_eq!(status, 413);
        assert_eq!(b["code"], "too_large");
        app.finish().await;
    }
);

// ---- 2.5 rejected path and query parameters answer JSON -------------------

on_both!(
    rejected_path_and_query_parameters_answer_json,
    |app: TestApp| async move {
        let api = app.login("admin").await;
        for (path, field) in [
            ("/api/v1/maintenance/requests/abc", "id"),
            (
                "/api/v1/maintenance/requests?status=open&status=closed",
                "status",
            ),
            ("/api/v1/maintenance/requests?limit=ten", "limit"),
        ] {
            let (status, b) = json(api.get(path).await).await;
            assert_eq!(status, 422, "{path}: {b}");
            assert_eq!(b["code"], "invalid", "{path}");
            assert_eq!(b["field"], field, "{path}");
        }
        let res = api
            .http
            .post(app.url("/api/v1/maintenance/requests/x1/acknowledge"))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        let (status, b) = json(res).await;
        assert_eq!(status, 422);
        assert_eq!(b["field"], "id");
        let res = api
            .http
            .put(app.url("/api/v1/admin/users/x/roles"))
            .bearer_auth(&api.token)
            .json(&json!({"roles": []}))
            .send()
            .await
            .unwrap();
        let (status, b) = json(res).await;
        assert_eq!(status, 422, "{b}");
        assert_eq!(b["field"], "id");
        app.finish().await;
    }
);
