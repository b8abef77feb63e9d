//! The server's behaviour over real HTTP, on SQLite and on PostgreSQL.

mod common;

use common::*;
use domain::maintenance::NewRequestInput;
use serde_json::{json, Value};

/// How many events of a kind a request detail's timeline holds.
fn timeline_count(detail: &Value, kind: &str) -> usize {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .count()
}

fn new_request(machine_id: i64, title: &str) -> Value {
    json!({ "machine_id": machine_id, "kind": "breakdown", "priority": "high", "title": title })
}

on_both!(login_sessions_and_logout, |app: TestApp| async move {
    let http = reqwest::Client::new();
    // Wrong password: 422 naming the field, no session written.
    let sessions_before = app.count("sessions").await;
    let res = http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "operator", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "password");
    assert_eq!(app.count("sessions").await, sessions_before);

    // Right password: a token, and an HttpOnly SameSite cookie.
    let res = http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "Operator", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("sf_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http must not set Secure");
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(body["user"]["username"], "operator");

    // The cookie works as well as the bearer token.
    let cookie_pair = cookie.split(';').next().unwrap().to_string();
    let me = http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", &cookie_pair)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // Refresh rotates the token: the old one stops working.
    let res = http
        .post(app.url("/api/v1/auth/refresh"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let new_token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_token, token);
    assert_eq!(
        http.get(app.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        http.get(app.url("/api/v1/auth/me"))
            .bearer_auth(&new_token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Logout ends the session.
    let res = http
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        http.get(app.url("/api/v1/auth/me"))
            .bearer_auth(&new_token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    app.finish().await;
});

on_both!(login_attempts_are_rate_limited, |app: TestApp| async move {
    let http = reqwest::Client::new();
    for _ in 0..5 {
        let res = http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "planner", "password": "not-the-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
    }
    // Even the right password is refused now, with a Retry-After.
    let res = http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "planner", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    app.finish().await;
});

on_both!(
    totp_second_factor_is_required_once_enabled,
    |app: TestApp| async move {
        let user = app.login("quality").await;
        let me: Value = user.get("/api/v1/auth/me").await.json().await.unwrap();
        let uid = me["id"].as_i64().unwrap();
        let setup = service::auth::new_totp_setup("quality");
        let now = service::now_ms();
        let me = service::auth::load_user(&app.svc.db, uid).await.unwrap();
        let enable = |code: &str| domain::auth::TotpEnableInput {
            secret: setup.secret_base32.clone(),
            code: code.into(),
            current_password: DEMO_PASSWORD.into(),
            current_code: None,
        };
        // A wrong code does not turn it on.
        let err = service::auth::enable_totp(&app.svc, &me, &enable("000000"), None, now).await;
        assert!(err.is_err());
        let code = service::auth::totp_code(&setup.secret_base32, now).unwrap();
        service::auth::enable_totp(&app.svc, &me, &enable(&code), None, now)
            .await
            .unwrap();

        let http = reqwest::Client::new();
        let login = |code: Option<String>| {
            let http = http.clone();
            let url = app.url("/api/v1/auth/login");
            async move {
                json(http.post(url).json(&json!({"username": "quality", "password": DEMO_PASSWORD, "totp_code": code})).send().await.unwrap()).await
            }
        };
        let (status, body) = login(None).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("totp_code")));
        let (status, body) = login(Some("123456".into())).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("totp_code")));
        // The enrolment code is spent; the next step's code (within the
        // allowed clock skew) signs in.
        let (status, _) = login(Some(
            service::auth::totp_code(&setup.secret_base32, now + 30_000).unwrap(),
        ))
        .await;
        assert_eq!(status, 200);
        app.finish().await;
    }
);

on_both!(
    each_role_is_denied_what_it_lacks,
    |app: TestApp| async move {
        let sew = app.machine_id("SEW-01").await;
        // An open request to act on.
        let sup = app.login("supervisor").await;
        let (s, created) = json(
            sup.post(
                "/api/v1/maintenance/requests",
                new_request(sew, "Belt slipping"),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201);
        let id = created["id"].as_i64().unwrap();
        let before_events = app.count("maintenance_events").await;

        struct Case {
            role: &'static str,
            method: &'static str,
            path: String,
            body: Value,
        }
        let cases = vec![
            Case {
                role: "finance",
                method: "GET",
                path: "/api/v1/maintenance/requests".into(),
                body: Value::Null,
            },
            Case {
                role: "finance",
                method: "GET",
                path: format!("/api/v1/maintenance/requests/{id}"),
                body: Value::Null,
            },
            Case {
                role: "warehouse",
                method: "POST",
                path: "/api/v1/maintenance/requests".into(),
                body: new_request(sew, "Nope"),
            },
            Case {
                role: "operator",
                method: "POST",
                path: format!("/api/v1/maintenance/requests/{id}/acknowledge"),
                body: json!({}),
            },
            Case {
                role: "quality",
                method: "POST",
                path: format!("/api/v1/maintenance/requests/{id}/start"),
                body: json!({}),
            },
            Case {
                role: "planner",
                method: "POST",
                path: format!("/api/v1/maintenance/requests/{id}/cancel"),
                body: json!({}),
            },
            Case {
                role: "operator",
                method: "PUT",
                path: "/api/v1/maintenance/sla".into(),
                body: json!({"priority":"low","response_minutes":5,"resolution_minutes":50}),
            },
            Case {
                role: "maintenance",
                method: "GET",
                path: "/api/v1/admin/users".into(),
                body: Value::Null,
            },
            Case {
                role: "supervisor",
                method: "POST",
                path: "/api/v1/admin/users".into(),
                body: json!({"username":"x1234","display_name":"X","password":"long-enough-pw","roles":["operator"]}),
            },
            Case {
                role: "planner",
                method: "GET",
                path: "/api/v1/admin/audit".into(),
                body: Value::Null,
            },
            Case {
                role: "finance",
                method: "POST",
                path: "/api/v1/maintenance/machines".into(),
                body: json!({"code":"X-1","name":"Xx"}),
            },
        ];
        for c in cases {
            let client = app.login(c.role).await;
            let url = format!("{}{}", client.base, c.path);
            let req = match c.method {
                "GET" => client.http.get(&url),
                "PUT" => client.http.put(&url).json(&c.body),
                _ => client.http.post(&url).json(&c.body),
            };
            let (status, body) = json(req.bearer_auth(&client.token).send().await.unwrap()).await;
            assert_eq!(status, 403, "{} {} {} -> {body}", c.role, c.method, c.path);
            assert_eq!(body["code"], "forbidden");
        }
        // Nothing was written by any refused call.
        assert_eq!(app.count("maintenance_events").await, before_events);
        assert_eq!(app.count("maintenance_requests").await, 4); // 3 demo + 1
                                                                // Without a session at all: 401.
        let res = reqwest::get(app.url("/api/v1/maintenance/requests"))
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        app.finish().await;
    }
);

on_both!(
    a_retried_create_is_applied_once,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        let m = app.machine_id("EMB-02").await;
        let before = app.count("maintenance_requests").await;
        let body = new_request(m, "Hoop arm loose");
        let (s1, r1) = json(
            op.post_idem(
                "/api/v1/maintenance/requests",
                "retry-key-0001",
                body.clone(),
            )
            .await,
        )
        .await;
        let (s2, r2) = json(
            op.post_idem(
                "/api/v1/maintenance/requests",
                "retry-key-0001",
                body.clone(),
            )
            .await,
        )
        .await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(r1["id"], r2["id"]);
        // The answer is the request as stored: a read returns the same fields.
        let (_, read) = json(
            op.get(&format!("/api/v1/maintenance/requests/{}", r1["id"]))
                .await,
        )
        .await;
        let mut stored = read["request"].clone();
        let mut answered = r1.clone();
        for v in [&mut stored, &mut answered] {
            v.as_object_mut().unwrap().remove("server_now");
        }
        assert_eq!(answered, stored);

        // The machine is retired: a retry of the report already taken still
        // gets its answer, a new report is refused at the field.
        let set_active = |active: i64| {
            sqlx::query("UPDATE machines SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(m)
                .execute(&app.svc.db.write)
        };
        set_active(0).await.unwrap();
        let (s3, r3) = json(
            op.post_idem(
                "/api/v1/maintenance/requests",
                "retry-key-0001",
                body.clone(),
            )
            .await,
        )
        .await;
        assert_eq!((s3, &r3["id"]), (201, &r1["id"]), "{r3}");
        let (s4, r4) = json(
            op.post(
                "/api/v1/maintenance/requests",
                new_request(m, "After retirement"),
            )
            .await,
        )
        .await;
        assert_eq!(
            (s4, r4["field"].as_str()),
            (422, Some("machine_id")),
            "{r4}"
        );
        set_active(1).await.unwrap();
        assert_eq!(app.count("maintenance_requests").await, before + 1);

        // Five concurrent retries of another create: still one row.
        let futs = (0..5).map(|_| {
            op.post_idem(
                "/api/v1/maintenance/requests",
                "retry-key-0002",
                new_request(m, "Bobbin case worn"),
            )
        });
        let results = futures::future::join_all(futs).await;
        // Every attempt gets the one answer: the losers of the race roll back
        // their own change and reply with the winner's.
        let mut ids = Vec::new();
        for r in results {
            let (s, b) = json(r).await;
            assert_eq!(s, 201, "{b}");
            ids.push(b["id"].as_i64().unwrap());
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert_eq!(app.count("maintenance_requests").await, before + 2);

        // The same key for a different request is refused, naming the key.
        let (s, b) = json(
            op.post_idem(
                "/api/v1/maintenance/requests",
                "retry-key-0001",
                new_request(m, "Other"),
            )
            .await,
        )
        .await;
        assert_eq!((s, b["field"].as_str()), (422, Some("idempotency_key")));

        // A retried transition is applied once too.
        let tech = app.login("maintenance").await;
        let id = r1["id"].as_i64().unwrap();
        let path = format!("/api/v1/maintenance/requests/{id}/acknowledge");
        let (a, ra) = json(tech.post_idem(&path, "ack-key-0001", json!({})).await).await;
        let (b, rb) = json(tech.post_idem(&path, "ack-key-0001", json!({})).await).await;
        assert_eq!((a, b), (200, 200));
        assert_eq!(ra["version"], rb["version"]);
        let (_, detail) = json(
            tech.get(&format!("/api/v1/maintenance/requests/{id}"))
                .await,
        )
        .await;
        assert_eq!(timeline_count(&detail, "acknowledge"), 1);
        // Without the key, a second acknowledge is an illegal transition.
        let (c, rc) = json(tech.post(&path, json!({})).await).await;
        assert_eq!((c, rc["code"].as_str()), (409, Some("conflict")));

        // Five concurrent attempts of one start: one change, one answer.
        let path = format!("/api/v1/maintenance/requests/{id}/start");
        let futs = (0..5).map(|_| tech.post_idem(&path, "start-key-0001", json!({})));
        let mut versions = Vec::new();
        for r in futures::future::join_all(futs).await {
            let (s, b) = json(r).await;
            assert_eq!(s, 200, "{b}");
            versions.push(b["version"].as_i64().unwrap());
        }
        versions.dedup();
        assert_eq!(versions.len(), 1, "{versions:?}");
        let (_, detail) = json(
            tech.get(&format!("/api/v1/maintenance/requests/{id}"))
                .await,
        )
        .await;
        assert_eq!(timeline_count(&detail, "start"), 1);
        assert_eq!(detail["request"]["version"].as_i64(), Some(versions[0]));
        app.finish().await;
    }
);

on_both!(
    bad_input_names_the_field_and_writes_nothing,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        let m = app.machine_id("CUT-01").await;
        let requests = app.count("maintenance_requests").await;
        let events = app.count("maintenance_events").await;
        let cases = [
            (
                json!({"machine_id": m, "kind": "breakdown", "priority": "high", "title": "x"}),
                "title",
            ),
            (
                json!({"machine_id": m, "kind": "breakdown", "priority": "urgent", "title": "Blade dull"}),
                "priority",
            ),
            (
                json!({"machine_id": m, "kind": "repair", "priority": "high", "title": "Blade dull"}),
                "kind",
            ),
            (
                json!({"machine_id": 999999, "kind": "breakdown", "priority": "high", "title": "Blade dull"}),
                "machine_id",
            ),
            (
                json!({"machine_id": "seven", "kind": "breakdown", "priority": "high", "title": "Blade dull"}),
                "machine_id",
            ),
            (
                json!({"kind": "breakdown", "priority": "high", "title": "Blade dull"}),
                "machine_id",
            ),
        ];
        for (body, field) in cases {
            let (s, b) = json(
                op.post_idem(
                    "/api/v1/maintenance/requests",
                    "bad-input-key",
                    body.clone(),
                )
                .await,
            )
            .await;
            assert_eq!(s, 422, "{body} -> {b}");
            assert_eq!(b["field"], field, "{body} -> {b}");
            assert!(b["message"].as_str().unwrap().len() > 10);
        }
        let (s, b) = json(op.get("/api/v1/maintenance/requests?limit=0").await).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("limit")));
        let (s, b) = json(op.get("/api/v1/maintenance/requests?status=broken").await).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("status")));
        let (s, _) = json(op.get("/api/v1/maintenance/requests/abc").await).await;
        assert_eq!(s, 422);
        let (s, _) = json(op.get("/api/v1/maintenance/requests/424242").await).await;
        assert_eq!(s, 404);
        assert_eq!(app.count("maintenance_requests").await, requests);
        assert_eq!(app.count("maintenance_events").await, events);
        // A failed attempt did not burn the key: it can be used for a good request.
        let (s, _) = json(
            op.post_idem(
                "/api/v1/maintenance/requests",
                "bad-input-key",
                new_request(m, "Blade dull"),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201);
        app.finish().await;
    }
);

/// The answer to a change is the request as stored, read back at the same instant.
async fn assert_stored(
    svc: &service::Services,
    user: &domain::auth::CurrentUser,
    answer: &domain::maintenance::Request,
    at: i64,
) {
    let stored = service::maintenance::get(svc, user, answer.id, at)
        .await
        .unwrap()
        .request;
    assert_eq!(answer, &stored, "answer at version {}", answer.version);
}

on_both!(
    lifecycle_pauses_the_resolution_clock,
    |app: TestApp| async move {
        let svc = &app.svc;
        let tech = service::auth::load_user(&svc.db, login_id(&app, "maintenance").await)
            .await
            .unwrap();
        let sup = service::auth::load_user(&svc.db, login_id(&app, "supervisor").await)
            .await
            .unwrap();
        let m = app.machine_id("FIN-01").await;
        let t0 = service::now_ms() - 3 * 3_600_000;
        let input = NewRequestInput {
            machine_id: m,
            kind: "breakdown".into(),
            priority: "high".into(),
            title: "Steam leak".into(),
            description: String::new(),
            ..Default::default()
        };
        let r = service::maintenance::create(svc, &sup, &input, None, t0)
            .await
            .unwrap();
        assert_stored(svc, &tech, &r, t0).await;
        let step = |t: &str| service::maintenance::TransitionInput {
            transition: t.into(),
            note: String::new(),
        };
        let min = 60_000;
        service::maintenance::transition(svc, &tech, r.id, &step("start"), None, t0 + 10 * min)
            .await
            .unwrap();
        let paused = service::maintenance::transition(
            svc,
            &tech,
            r.id,
            &step("wait_for_parts"),
            None,
            t0 + 20 * min,
        )
        .await
        .unwrap();
        assert_stored(svc, &tech, &paused, t0 + 20 * min).await;
        assert_eq!(paused.status, domain::maintenance::Status::WaitingParts);
        let resumed = service::maintenance::transition(
            svc,
            &tech,
            r.id,
            &step("resume"),
            None,
            t0 + 80 * min,
        )
        .await
        .unwrap();
        assert_stored(svc, &tech, &resumed, t0 + 80 * min).await;
        assert_eq!(resumed.clock.paused_total_ms, 60 * min);
        // High: 8 h to resolve; 1 h of waiting for parts pushes the deadline 1 h later.
        assert_eq!(
            domain::time::parse_iso(&resumed.resolution_due_at).unwrap(),
            t0 + 9 * 60 * min
        );
        let resolved = service::maintenance::transition(
            svc,
            &tech,
            r.id,
            &step("resolve"),
            None,
            t0 + 100 * min,
        )
        .await
        .unwrap();
        assert_stored(svc, &tech, &resolved, t0 + 100 * min).await;
        let reading = resolved.clock.resolution(service::now_ms());
        assert_eq!(reading.state, domain::maintenance::ClockState::Met);
        // Closing needs APPROVE: the technician role has it, an operator would not.
        let closed =
            service::maintenance::transition(svc, &sup, r.id, &step("close"), None, t0 + 110 * min)
                .await
                .unwrap();
        assert_stored(svc, &tech, &closed, t0 + 110 * min).await;
        assert_eq!(closed.status, domain::maintenance::Status::Closed);
        assert!(closed.closed_at.is_some());

        let op = app.login("operator").await;
        let (_, d) = json(
            op.get(&format!("/api/v1/maintenance/requests/{}", r.id))
                .await,
        )
        .await;
        let kinds: Vec<&str> = d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "created",
                "start",
                "wait_for_parts",
                "resume",
                "resolve",
                "close"
            ]
        );
        app.finish().await;
    }
);

async fn login_id(app: &TestApp, username: &str) -> i64 {
    let c = app.login(username).await;
    let me: Value = c.get("/api/v1/auth/me").await.json().await.unwrap();
    me["id"].as_i64().unwrap()
}

on_both!(
    monitor_records_breaches_once_and_survives_a_restart,
    |app: TestApp| async move {
        let sup = service::auth::load_user(&app.svc.db, login_id(&app, "supervisor").await)
            .await
            .unwrap();
        let m = app.machine_id("PACK-01").await;
        let now = service::now_ms();
        // Critical: 15 min to respond. Reported 20 minutes ago, nobody came.
        let input = NewRequestInput {
            machine_id: m,
            kind: "breakdown".into(),
            priority: "critical".into(),
            title: "Sealer jammed".into(),
            description: String::new(),
            ..Default::default()
        };
        let r = service::maintenance::create(&app.svc, &sup, &input, None, now - 20 * 60_000)
            .await
            .unwrap();
        assert!(r.response_breached_at.is_none());

        // "Restart": a second service stack on the same database (as after a
        // crash while the breach happened) finds and records it.
        let db_url = app.db_url.clone();
        let restarted =
            shopfloor::start_services(service::Config::for_tests(&db_url), ADMIN_PASSWORD, false)
                .await
                .unwrap();
        let (mut rx, _) = restarted.events.subscribe(&restarted.db).await.unwrap();
        let n = service::maintenance::monitor_tick(&restarted, now)
            .await
            .unwrap();
        assert!(n >= 2, "breach + escalation expected, got {n}");
        // From the event log, which the monitor wrote in the breach's transaction.
        let ev = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (ev.topic, ev.id, ev.kind),
            (
                domain::perm::Module::Maintenance,
                r.id,
                domain::events::EventKind::Breached
            )
        );
        // A second pass records nothing new.
        assert_eq!(
            service::maintenance::monitor_tick(&restarted, now + 1000)
                .await
                .unwrap(),
            0
        );

        let tech = app.login("maintenance").await;
        let (_, d) = json(
            tech.get(&format!("/api/v1/maintenance/requests/{}", r.id))
                .await,
        )
        .await;
        let breach_at =
            domain::time::parse_iso(d["request"]["response_breached_at"].as_str().unwrap())
                .unwrap();
        // Dated when it happened (15 min after reporting), not when it was noticed.
        assert_eq!(breach_at, now - 20 * 60_000 + 15 * 60_000 + 1);
        assert_eq!(d["request"]["escalation_level"], 1);
        let timeline = d["timeline"].as_array().unwrap();
        assert_eq!(timeline.iter().filter(|e| e["kind"] == "breach").count(), 1);
        assert!(timeline.iter().any(|e| e["kind"] == "escalation"
            && e["note"].as_str().unwrap().contains("Shift supervisor")));
        restarted.db.write.close().await;
        restarted.db.read.close().await;
        app.finish().await;
    }
);

on_both!(changes_are_pushed_to_listeners, |app: TestApp| async move {
    use futures::StreamExt;
    let viewer = app.login("planner").await;
    let res = viewer
        .http
        .get(app.url("/api/v1/events"))
        .bearer_auth(&viewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut stream = res.bytes_stream();
    let first = stream.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("hello"));
    let op = app.login("operator").await;
    let m = app.machine_id("SEW-03").await;
    let (_, r) = json(
        op.post(
            "/api/v1/maintenance/requests",
            new_request(m, "Knife guard cracked"),
        )
        .await,
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let got = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        loop {
            let chunk = stream.next().await.unwrap().unwrap();
            let text = String::from_utf8_lossy(&chunk).to_string();
            if text.contains("\"topic\":\"maintenance\"") {
                return text;
            }
        }
    })
    .await
    .expect("event within 1 s");
    assert!(
        got.contains(&format!("\"id\":{id}")) && got.contains("created"),
        "{got}"
    );
    app.finish().await;
});

on_both!(
    server_functions_check_session_and_honour_keys,
    |app: TestApp| async move {
        let http = reqwest::Client::new();
        let m = app.machine_id("EMB-01").await;
        let call = |cookie: Option<String>, key: &str| {
            let http = http.clone();
            let url = app.url("/sfn/maintenance/create");
            let body = json!({"idempotency_key": key, "input": {"machine_id": m, "kind": "breakdown", "priority": "low", "title": "Trim knife blunt"}});
            async move {
                let mut req = http.post(url).json(&body);
                if let Some(c) = cookie {
                    req = req.header("cookie", c);
                }
                let res = req.send().await.unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let (s, body) = call(None, "sfn-key-0001").await;
        assert_eq!(s, 401, "{body}");
        assert!(body.contains("unauthenticated"), "{body}");
        // Sign in as the browser does, with the cookie.
        let res = http
            .post(app.url("/sfn/auth/login"))
            .json(&json!({"input": {"username": "operator", "password": DEMO_PASSWORD}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let before = app.count("maintenance_requests").await;
        let (s1, b1) = call(Some(cookie.clone()), "sfn-key-0001").await;
        let (s2, b2) = call(Some(cookie.clone()), "sfn-key-0001").await;
        assert_eq!((s1, s2), (200, 200), "{b1} {b2}");
        assert_eq!(
            serde_json::from_str::<Value>(&b1).unwrap()["id"],
            serde_json::from_str::<Value>(&b2).unwrap()["id"]
        );
        assert_eq!(app.count("maintenance_requests").await, before + 1);

        // A cross-site page cannot ride on the cookie.
        let res = http
        .post(app.url("/sfn/maintenance/create"))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .json(&json!({"idempotency_key": "sfn-key-0002", "input": {"machine_id": m, "kind": "breakdown", "priority": "low", "title": "Evil"}}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 403);
        let res = http
        .post(app.url("/sfn/maintenance/create"))
        .header("cookie", &cookie)
        .header("origin", app.base.clone())
        .json(&json!({"idempotency_key": "sfn-key-0003", "input": {"machine_id": m, "kind": "breakdown", "priority": "low", "title": "Same site"}}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(app.count("maintenance_requests").await, before + 2);
        app.finish().await;
    }
);

on_both!(
    pages_headers_health_and_metrics,
    |app: TestApp| async move {
        let res = reqwest::get(app.url("/login")).await.unwrap();
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
            "{csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        let html = res.text().await.unwrap();
        // The nonce in the header is the one on the page's scripts.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")));
        assert!(html.contains("name=\"shopfloor-config\""));
        // Signed-out visitors to a page are sent to the login page.
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url("/maintenance"))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(
            reqwest::get(app.url("/healthz")).await.unwrap().status(),
            200
        );
        assert_eq!(
            reqwest::get(app.url("/readyz"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "ready"
        );
        // Metrics need a configured token (tests in http_security.rs).
        assert_eq!(
            reqwest::get(app.url("/metrics")).await.unwrap().status(),
            404
        );
        // Signed in, a page renders with the user's data.
        let http = reqwest::Client::new();
        let res = http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "maintenance", "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let html = http
            .get(app.url("/maintenance"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Head 4 thread break sensor faulty"),
            "demo request should be server-rendered"
        );
        app.finish().await;
    }
);

on_both!(
    admin_manages_users_and_permissions,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (s, u) = json(admin.post("/api/v1/admin/users", json!({"username": "Nomsa.K", "display_name": "Nomsa K", "password": "a-long-password", "roles": ["operator"]})).await).await;
        assert_eq!(s, 201, "{u}");
        assert_eq!(u["username"], "nomsa.k");
        let (s, b) = json(admin.post("/api/v1/admin/users", json!({"username": "nomsa.k", "display_name": "Dup", "password": "a-long-password", "roles": ["operator"]})).await).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("username")));
        let (s, b) = json(admin.post("/api/v1/admin/users", json!({"username": "shorty", "display_name": "S", "password": "short", "roles": ["operator"]})).await).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("password")));
        // Revoke the operator's maintenance CREATE: the operator is refused at once.
        let (_, roles) = json(admin.get("/api/v1/admin/roles").await).await;
        let op_role = roles
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "operator")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let op = app.login("operator").await;
        let m = app.machine_id("CUT-02").await;
        assert_eq!(
            op.post("/api/v1/maintenance/requests", new_request(m, "Works"))
                .await
                .status(),
            201
        );
        let res = admin
        .http
        .put(app.url(&format!("/api/v1/admin/roles/{op_role}/permissions")))
        .bearer_auth(&admin.token)
        .json(&json!({"permission": {"module": "maintenance", "action": "CREATE"}, "granted": false}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(
            op.post(
                "/api/v1/maintenance/requests",
                new_request(m, "Refused now")
            )
            .await
            .status(),
            403
        );
        // A reset token lets the user choose a new password, once.
        let (s, r) = json(
            admin
                .post("/api/v1/admin/users/nomsa.k/password-reset", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 200);
        let token = r["token"].as_str().unwrap().to_string();
        let http = reqwest::Client::new();
        let reset = |pw: &str| {
            http.post(app.url("/api/v1/auth/password-reset"))
                .json(&json!({"token": token, "password": pw}))
                .send()
        };
        let first = reset("brand-new-password").await.unwrap();
        assert_eq!(first.status(), 204, "{}", first.text().await.unwrap());
        assert_eq!(reset("another-new-password").await.unwrap().status(), 422);
        let res = http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "nomsa.k", "password": "brand-new-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let (_, audit) = json(admin.get("/api/v1/admin/audit").await).await;
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"set_permission") && actions.contains(&"password_reset"),
            "{actions:?}"
        );
        app.finish().await;
    }
);

on_both!(
    list_totals_follow_every_change_and_filter,
    |app: TestApp| async move {
        let tech = app.login("maintenance").await;
        let (sew, emb) = (
            app.machine_id("SEW-01").await,
            app.machine_id("EMB-01").await,
        );
        let mut ids = Vec::new();
        for (i, (machine, priority)) in [
            (sew, "high"),
            (sew, "low"),
            (emb, "high"),
            (emb, "critical"),
            (sew, "high"),
        ]
        .into_iter()
        .enumerate()
        {
            let body = json!({"machine_id": machine, "kind": "breakdown", "priority": priority, "title": format!("totals {i}")});
            let (status, r) = json(tech.post("/api/v1/maintenance/requests", body).await).await;
            assert_eq!(status, 201, "{r}");
            ids.push(r["id"].as_i64().unwrap());
        }
        for (id, steps) in [
            (ids[0], &["acknowledge", "start", "resolve", "close"][..]),
            (ids[1], &["cancel"][..]),
            (ids[2], &["acknowledge", "start", "wait_for_parts"][..]),
        ] {
            for step in steps {
                let res = tech
                    .post(
                        &format!("/api/v1/maintenance/requests/{id}/{step}"),
                        json!({}),
                    )
                    .await;
                assert_eq!(res.status(), 200, "{step}");
            }
        }
        // The total for each filter equals a count of the requests themselves.
        let filters = [
            ("", "1 = 1".to_string()),
            ("active_only=true", "status NOT IN ('resolved', 'closed', 'cancelled')".into()),
            ("status=closed", "status = 'closed'".into()),
            ("status=waiting_parts", "status = 'waiting_parts'".into()),
            ("priority=high", "priority = 'high'".into()),
            (&*format!("machine_id={sew}"), format!("machine_id = {sew}")),
            (
                &*format!("machine_id={emb}&priority=high&active_only=true"),
                format!("machine_id = {emb} AND priority = 'high' AND status NOT IN ('resolved', 'closed', 'cancelled')"),
            ),
        ];
        for (query, condition) in filters {
            use sqlx::Row;
            let expected: i64 = sqlx::query(&format!(
                "SELECT COUNT(*) FROM maintenance_requests WHERE {condition}"
            ))
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
            let (status, page) = json(
                tech.get(&format!("/api/v1/maintenance/requests?{query}"))
                    .await,
            )
            .await;
            assert_eq!(status, 200, "{query}: {page}");
            assert_eq!(page["total"].as_i64(), Some(expected), "total for ?{query}");
            assert_eq!(
                page["items"].as_array().unwrap().len() as i64,
                expected.min(50),
                "rows for ?{query}"
            );
        }
        app.finish().await;
    }
);
