//! The sign-in and reset pages ship no wasm (the first page a user meets is
//! its HTML and the stylesheet): they are plain forms, posted to the
//! server, which redirects on success and answers the page again on a
//! failure, with the server's message, the error's status, what was typed
//! (but the password) and the field to fix. On SQLite and PostgreSQL.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::json;

fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let res = no_redirects()
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

/// The `value` of the input named `name` in `html` (empty when it has none).
fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..at + html[at..].find('>').unwrap()];
    tag.split("value=\"")
        .nth(1)
        .map(|v| v.split('"').next().unwrap().to_string())
        .unwrap_or_default()
}

on_both!(
    sign_in_and_reset_pages_download_no_wasm,
    |app: TestApp| async move {
        for path in ["/login", "/login?next=/orders", "/reset?token=abc"] {
            let res = Client::new().get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let csp = res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_string();
            let html = res.text().await.unwrap();
            // The only file from /pkg is the stylesheet.
            let pkg: Vec<&str> = html
                .split("/pkg/")
                .skip(1)
                .map(|s| &s[..20.min(s.len())])
                .collect();
            assert!(
                pkg.iter().all(|f| f.starts_with("shopfloor.css")),
                "{path} names {pkg:?}"
            );
            assert!(
                !html.contains(".wasm") && !html.contains("modulepreload"),
                "{path}"
            );
            // The service worker is registered by the page's one script, which
            // carries the response's nonce.
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap();
            assert!(
                html.contains(&format!(
                    "<script nonce=\"{nonce}\">if ('serviceWorker' in navigator)"
                )),
                "{path}: {html}"
            );
            assert!(html.contains("data-hydrated=\"true\""), "{path}");
        }
        // Signed-in pages still hydrate.
        let user = app.login("maintenance").await;
        let res = Client::new()
            .get(app.url("/maintenance"))
            .header("cookie", format!("sf_session={}", user.token))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("/pkg/shopfloor.wasm") || html.contains("_bg.wasm"),
            "{html}"
        );
        assert!(!html.contains("data-hydrated=\"true\""));
        app.finish().await;
    }
);

on_both!(
    a_failed_sign_in_answers_the_page_with_the_servers_message,
    |app: TestApp| async move {
        let (status, _, html) = post_form(
            &app,
            "/login",
            &[
                ("username", "Supervisor"),
                ("password", "wrong-password"),
                ("next", "/orders"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("username or password is wrong"), "{html}");
        assert!(html.contains("class=\"error-box\""));
        // What was typed stays, but the password; `next` survives the retry.
        assert_eq!(input_value(&html, "username"), "Supervisor");
        assert_eq!(input_value(&html, "password"), "");
        assert_eq!(input_value(&html, "next"), "/orders");
        // An empty field is named.
        let (status, _, html) =
            post_form(&app, "/login", &[("username", ""), ("password", "x")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("enter your username"), "{html}");
        // The address cannot put words in the page's mouth.
        let html = Client::new()
            .get(app.url("/login?error=Your%20account%20is%20locked.%20Call%20555"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Call 555") && !html.contains("error-box"));
        // The right password signs in and goes on to `next`.
        let (status, location, _) = post_form(
            &app,
            "/login",
            &[
                ("username", "supervisor"),
                ("password", DEMO_PASSWORD),
                ("next", "/orders"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(location, "/orders");
        app.finish().await;
    }
);

on_both!(
    the_form_asks_for_the_authenticator_code_and_throttles,
    |app: TestApp| async move {
        // Two-factor on for the quality user.
        let user = app.login("quality").await;
        enable_totp(&user, DEMO_PASSWORD).await;
        // The password alone: the page comes back asking for the code.
        let (status, _, html) = post_form(
            &app,
            "/login",
            &[("username", "quality"), ("password", DEMO_PASSWORD)],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("name=\"totp_code\""), "{html}");
        assert!(html.contains("6-digit code"));
        assert_eq!(input_value(&html, "username"), "quality");
        // Without two-factor the code's box is not shown.
        let html = Client::new()
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("name=\"totp_code\""));

        // Wrong passwords from one address: the limit answers 429 with Retry-After.
        let mut last = StatusCode::OK;
        let mut retry_after = None;
        for _ in 0..12 {
            let res = no_redirects()
                .post(app.url("/login"))
                .form(&[("username", "planner"), ("password", "wrong-password")])
                .send()
                .await
                .unwrap();
            last = res.status();
            retry_after = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            if last == 429 {
                let html = res.text().await.unwrap();
                assert!(html.contains("Too many attempts"), "{html}");
                break;
            }
        }
        assert_eq!(last, 429);
        assert!(retry_after.unwrap().parse::<u64>().unwrap() > 0);
        app.finish().await;
    }
);

on_both!(
    the_reset_form_sets_the_password_once,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (status, body) = json(
            admin
                .post("/api/v1/admin/users/operator/password-reset", json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let token = body["token"].as_str().unwrap().to_string();
        // A bad token, a weak password: the page again, with the reason.
        let (status, _, html) = post_form(
            &app,
            "/reset",
            &[
                ("token", "not-a-token"),
                ("password", "a-new-long-password"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("reset link is not valid"), "{html}");
        assert_eq!(input_value(&html, "token"), "not-a-token");
        let (status, _, html) =
            post_form(&app, "/reset", &[("token", &token), ("password", "short")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("10 characters"), "{html}");
        assert_eq!(input_value(&html, "token"), token);
        // The new password: on to the sign-in page, which says so.
        let (status, location, _) = post_form(
            &app,
            "/reset",
            &[("token", &token), ("password", "a-new-long-password")],
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(location, "/login?reset=done");
        let html = Client::new()
            .get(app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Password set. Sign in with it now."));
        // Used once.
        let (status, _, html) = post_form(
            &app,
            "/reset",
            &[("token", &token), ("password", "another-long-password")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("was used or has expired"), "{html}");
        let (status, location, _) = post_form(
            &app,
            "/login",
            &[
                ("username", "operator"),
                ("password", "a-new-long-password"),
            ],
        )
        .await;
        assert_eq!((status.as_u16(), location.as_str()), (303, "/"));
        app.finish().await;
    }
);
