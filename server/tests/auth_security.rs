//! Sign-in hardening (issue 7, items 1–4 and 8), on SQLite and PostgreSQL:
//! attempts reserved before the password is checked, durable per-pair /
//! per-address / per-username limits, reset tokens looked up first and used
//! once, TOTP codes accepted once, and re-confirmation for account changes.

mod common;

use common::*;
use reqwest::Client;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

/// A client whose requests come from another loopback address.
fn client_from(last_octet: u8) -> Client {
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .build()
        .unwrap()
}

async fn login_as(http: &Client, app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    json(
        http.post(app.url("/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

on_both!(
    parallel_wrong_passwords_are_refused_before_being_checked,
    |app: TestApp| async move {
        let http = Client::new();
        let url = app.url("/api/v1/auth/login");
        let attempts = (0..100).map(|_| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                let res = http
                    .post(url)
                    .json(&json!({"username": "planner", "password": "not-the-password"}))
                    .send()
                    .await
                    .unwrap();
                let retry_after = res.headers().get("retry-after").is_some();
                (res.status().as_u16(), retry_after)
            }
        });
        let answers = futures::future::join_all(attempts).await;
        let limit = app.svc.config.auth_limits.per_pair;
        let wrong = answers.iter().filter(|(s, _)| *s == 422).count() as i64;
        let limited = answers.iter().filter(|(s, _)| *s == 429).count() as i64;
        assert_eq!(wrong + limited, 100, "{answers:?}");
        assert!(wrong <= limit, "{wrong} passwords checked, limit {limit}");
        assert!(
            answers.iter().all(|(s, ra)| *s != 429 || *ra),
            "429 without Retry-After"
        );
        // Every evaluated attempt is audited as failed; the lock once, when
        // it starts (a flood of refused requests must not grow the log).
        let evaluated = audit_count(&app, "login_failed").await;
        assert!((1..=limit).contains(&evaluated), "evaluated {evaluated}");
        assert_eq!(evaluated, wrong);
        assert!(limited > 0);
        assert_eq!(audit_count(&app, "login_locked").await, 1);
        app.finish().await;
    }
);

on_both!(
    a_lock_holds_across_a_restart_for_its_pair_only,
    |app: TestApp| async move {
        let here = Client::new();
        for _ in 0..app.svc.config.auth_limits.per_pair {
            let (status, _) = login_as(&here, &app, "planner", "not-the-password").await;
            assert_eq!(status, 422);
        }
        let res = here
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "planner", "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        assert!(res.headers().get("retry-after").is_some());

        // The same user from another address, and another user from this
        // address, still sign in.
        let (status, _) = login_as(&client_from(2), &app, "planner", DEMO_PASSWORD).await;
        assert_eq!(status, 200);
        let (status, _) = login_as(&here, &app, "supervisor", DEMO_PASSWORD).await;
        assert_eq!(status, 200);

        // A restarted server (a new process on the same database) keeps the lock.
        let restarted = TestApp::spawn_on(app.db_url.clone(), None, None).await;
        let (status, _) = login_as(&here, &restarted, "planner", DEMO_PASSWORD).await;
        assert_eq!(status, 429);

        // The audit log names the user, the username tried and the address; never the password.
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT user_id, action, detail FROM audit_log WHERE action IN ('login_failed', 'login_locked') ORDER BY id",
        )
        .fetch_all(&app.svc.db.read)
        .await
        .unwrap();
        assert!(rows.len() as i64 > app.svc.config.auth_limits.per_pair);
        for r in &rows {
            let detail: String = r.try_get("detail").unwrap();
            assert!(r.try_get::<Option<i64>, _>("user_id").unwrap().is_some());
            assert!(
                detail.contains("\"planner\"") && detail.contains("127.0.0.1"),
                "{detail}"
            );
            assert!(!detail.contains("not-the-password") && !detail.contains(DEMO_PASSWORD));
        }
        restarted.finish().await;
        app.finish().await;
    }
);

on_both!(
    a_successful_sign_in_clears_its_pair,
    |app: TestApp| async move {
        let http = Client::new();
        let limit = app.svc.config.auth_limits.per_pair;
        for _ in 0..limit - 1 {
            assert_eq!(
                login_as(&http, &app, "planner", "nope-nope-nope").await.0,
                422
            );
        }
        assert_eq!(login_as(&http, &app, "planner", DEMO_PASSWORD).await.0, 200);
        // The earlier failures are forgiven: a full set of attempts again.
        for _ in 0..limit {
            assert_eq!(
                login_as(&http, &app, "planner", "nope-nope-nope").await.0,
                422
            );
        }
        assert_eq!(login_as(&http, &app, "planner", DEMO_PASSWORD).await.0, 429);
        // Unknown usernames are counted (and audited) too.
        assert_eq!(
            login_as(&http, &app, "nobody-here", "whatever-it-is")
                .await
                .0,
            422
        );
        app.finish().await;
    }
);

async fn reset_token(admin: &ApiClient, username: &str) -> String {
    let (status, body) = json(
        admin
            .post(
                &format!("/api/v1/admin/users/{username}/password-reset"),
                json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_string()
}

async fn reset(http: &Client, app: &TestApp, token: &str, password: &str) -> (u16, Value) {
    json(
        http.post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({ "token": token, "password": password }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

on_both!(
    a_reset_token_is_used_once_even_by_racing_requests,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let token = reset_token(&admin, "planner").await;
        let http = Client::new();
        let (a, b) = tokio::join!(
            reset(&http, &app, &token, "first-new-password"),
            reset(&http, &app, &token, "second-new-password"),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [204, 422], "{a:?} {b:?}");
        let loser = if a.0 == 422 { a.1 } else { b.1 };
        assert_eq!(loser["field"], "token");
        // Exactly one of the two passwords works.
        let first = login_as(&http, &app, "planner", "first-new-password")
            .await
            .0;
        let second = login_as(&http, &app, "planner", "second-new-password")
            .await
            .0;
        let mut signed_in = [first, second];
        signed_in.sort();
        assert_eq!(signed_in, [200, 422]);
        assert_eq!(audit_count(&app, "password_reset").await, 1);
        app.finish().await;
    }
);

on_both!(
    a_new_reset_token_revokes_the_older_one,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let old = reset_token(&admin, "planner").await;
        let new = reset_token(&admin, "planner").await;
        let http = Client::new();
        let (status, body) = reset(&http, &app, &old, "a-brand-new-password").await;
        assert_eq!((status, body["field"].as_str()), (422, Some("token")));
        assert_eq!(
            reset(&http, &app, &new, "a-brand-new-password").await.0,
            204
        );
        assert_eq!(
            login_as(&http, &app, "planner", "a-brand-new-password")
                .await
                .0,
            200
        );
        app.finish().await;
    }
);

on_both!(
    bad_reset_tokens_are_refused_before_hashing_and_limited_per_address,
    |app: TestApp| async move {
        let http = Client::new();
        let limit = app.svc.config.auth_limits.resets_per_address;
        for i in 0..limit {
            // A too-short password with a bad token: the token is judged
            // first, so nothing is hashed (or even strength-checked).
            let (status, body) = reset(&http, &app, &format!("made-up-token-{i}"), "x").await;
            assert_eq!(
                (status, body["field"].as_str()),
                (422, Some("token")),
                "{body}"
            );
        }
        let res = http
            .post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({ "token": "made-up-token", "password": "long-enough-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        assert!(res.headers().get("retry-after").is_some());
        // Another address is not affected.
        let (status, body) = reset(&client_from(3), &app, "made-up-token", "x").await;
        assert_eq!((status, body["field"].as_str()), (422, Some("token")));
        app.finish().await;
    }
);

on_both!(a_totp_code_signs_in_once, |app: TestApp| async move {
    let user = app.login("quality").await;
    let secret = enable_totp(&user, DEMO_PASSWORD).await;
    let http = Client::new();
    let login = |code: String| {
        let http = http.clone();
        let url = app.url("/api/v1/auth/login");
        async move {
            json(
                    http.post(url)
                        .json(&json!({"username": "quality", "password": DEMO_PASSWORD, "totp_code": code}))
                        .send()
                        .await
                        .unwrap(),
                )
                .await
        }
    };
    // The next step's code (within the allowed skew) works once.
    let code = service::auth::totp_code(&secret, service::now_ms() + 30_000).unwrap();
    assert_eq!(login(code.clone()).await.0, 200);
    let (status, body) = login(code).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("totp_code")),
        "{body}"
    );
    // So does the code used to enrol: it was spent then.
    let enrol = service::auth::totp_code(&secret, service::now_ms()).unwrap();
    assert_eq!(login(enrol).await.0, 422);
    assert!(audit_count(&app, "login_failed").await >= 2);
    app.finish().await;
});

on_both!(
    totp_changes_need_the_current_password,
    |app: TestApp| async move {
        let user = app.login("quality").await;
        let (_, setup) = json(user.post("/api/v1/auth/totp/setup", json!({})).await).await;
        let secret = setup["secret_base32"].as_str().unwrap().to_string();
        let code = service::auth::totp_code(&secret, service::now_ms()).unwrap();
        // A stolen session alone cannot enrol a secret…
        for pw in ["", "wrong-password-here"] {
            let (status, body) = json(
                user.post(
                    "/api/v1/auth/totp/enable",
                    json!({ "secret": secret, "code": code, "current_password": pw }),
                )
                .await,
            )
            .await;
            assert_eq!(
                (status, body["field"].as_str()),
                (422, Some("current_password")),
                "{body}"
            );
        }
        let enabled = enable_totp(&user, DEMO_PASSWORD).await;
        // …nor turn it off.
        for pw in ["", "wrong-password-here"] {
            let (status, body) = json(
                user.post(
                    "/api/v1/auth/totp/disable",
                    json!({ "current_password": pw }),
                )
                .await,
            )
            .await;
            assert_eq!(
                (status, body["field"].as_str()),
                (422, Some("current_password")),
                "{body}"
            );
        }
        let (status, body) = json(
            user.post(
                "/api/v1/auth/totp/disable",
                json!({ "current_code": "000000" }),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some("current_code")),
            "{body}"
        );
        // A current code (a fresh step) does it.
        let code = service::auth::totp_code(&enabled, service::now_ms() + 30_000).unwrap();
        let (status, body) = json(
            user.post("/api/v1/auth/totp/disable", json!({ "current_code": code }))
                .await,
        )
        .await;
        assert_eq!(status, 204, "{body}");
        let me: Value = user.get("/api/v1/auth/me").await.json().await.unwrap();
        assert_eq!(me["totp_enabled"], false);
        assert_eq!(audit_count(&app, "reauth_failed").await, 3);
        app.finish().await;
    }
);

on_both!(
    changing_ones_password_ends_the_other_sessions,
    |app: TestApp| async move {
        let here = app.login("operator").await;
        let elsewhere = app.login("operator").await;
        for (body, field) in [
            (
                json!({"current_password": "", "new_password": "a-new-password-1"}),
                "current_password",
            ),
            (
                json!({"current_password": "wrong-password!", "new_password": "a-new-password-1"}),
                "current_password",
            ),
            (
                json!({"current_password": DEMO_PASSWORD, "new_password": "short"}),
                "new_password",
            ),
        ] {
            let (status, answer) = json(here.post("/api/v1/auth/password", body).await).await;
            assert_eq!(
                (status, answer["field"].as_str()),
                (422, Some(field)),
                "{answer}"
            );
        }
        let (status, body) = json(
            here.post_idem(
                "/api/v1/auth/password",
                "change-password-1",
                json!({"current_password": DEMO_PASSWORD, "new_password": "a-new-password-1"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(here.get("/api/v1/auth/me").await.status(), 200);
        assert_eq!(elsewhere.get("/api/v1/auth/me").await.status(), 401);
        // A retry of the change answers as the first did.
        let res = here
            .post_idem(
                "/api/v1/auth/password",
                "change-password-1",
                json!({"current_password": DEMO_PASSWORD, "new_password": "a-new-password-1"}),
            )
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(audit_count(&app, "password_changed").await, 1);
        let http = Client::new();
        assert_eq!(
            login_as(&http, &app, "operator", "a-new-password-1")
                .await
                .0,
            200
        );
        assert_eq!(
            login_as(&http, &app, "operator", DEMO_PASSWORD).await.0,
            422
        );
        app.finish().await;
    }
);

on_both!(
    a_locked_server_function_sign_in_says_when_to_retry,
    |app: TestApp| async move {
        // The browser signs in through the server function, not REST: its
        // refusal carries Retry-After too.
        let http = Client::new();
        let mut statuses = vec![];
        for _ in 0..=app.svc.config.auth_limits.per_pair {
            let res = http
                .post(app.url("/sfn/auth/login"))
                .json(&json!({"input": {"username": "planner", "password": "not-the-password"}}))
                .send()
                .await
                .unwrap();
            statuses.push(res.status().as_u16());
            if res.status() == 429 {
                let ra: u64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(ra >= 1, "{ra}");
            }
        }
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
        assert!(
            statuses[..statuses.len() - 1].iter().all(|s| *s == 422),
            "{statuses:?}"
        );
        app.finish().await;
    }
);
