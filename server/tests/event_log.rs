//! The durable event log: events written in the change's transaction, the
//! live stream sent from the log with `Last-Event-ID` replay, open streams
//! that end with their session and follow permission changes, the monitor's
//! lease, and two real server processes on one PostgreSQL database.

mod common;
mod sse;
use common::*;
use sse::{Next, Sse};

use domain::events::{EventKind, LiveEvent};
use domain::perm::Module;
use serde_json::{json, Value};
use service::events::{self, NewEvent};
use sqlx::Row;
use std::time::Duration;

fn new_request(machine_id: i64, title: &str) -> Value {
    json!({ "machine_id": machine_id, "kind": "breakdown", "priority": "high", "title": title })
}

async fn create_request(client: &ApiClient, machine_id: i64, title: &str) -> i64 {
    let (s, body) = json(
        client
            .post(
                "/api/v1/maintenance/requests",
                new_request(machine_id, title),
            )
            .await,
    )
    .await;
    assert_eq!(s, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn events_for(db: &service::Db, entity_id: i64) -> Vec<(String, i64)> {
    sqlx::query(
        "SELECT kind, seq FROM events WHERE topic = 'maintenance' AND entity_id = $1 ORDER BY seq",
    )
    .bind(entity_id)
    .fetch_all(&db.read)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.try_get(0).unwrap(), r.try_get(1).unwrap()))
    .collect()
}

// ---------- in one process, both databases ----------

on_both!(
    events_commit_and_roll_back_with_their_change,
    |app: TestApp| async move {
        let db = &app.svc.db;
        let head = events::head(db).await.unwrap();
        // A change that rolls back takes its event (and its seq) with it.
        let mut tx = db.begin().await.unwrap();
        let seq = events::record(
            &mut tx,
            &NewEvent::new(Module::Maintenance, 42, 1, EventKind::Created, 1),
        )
        .await
        .unwrap();
        assert_eq!(seq, head + 1);
        tx.rollback().await.unwrap();
        assert_eq!(events::head(db).await.unwrap(), head);
        assert_eq!(app.count("events").await, head);

        // A refused transition writes no event; a create and a transition write one each.
        let op = app.login("supervisor").await;
        let id = create_request(&op, app.machine_id("SEW-01").await, "Belt slipping").await;
        let (s, _) = json(
            op.post(
                &format!("/api/v1/maintenance/requests/{id}/close"),
                json!({}),
            )
            .await,
        )
        .await;
        assert!(
            (400..500).contains(&s),
            "closing an open request is refused: {s}"
        );
        let (s, _) = json(
            op.post(
                &format!("/api/v1/maintenance/requests/{id}/acknowledge"),
                json!({}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(
            events_for(db, id).await,
            vec![
                ("created".to_string(), head + 1),
                ("transitioned".to_string(), head + 2)
            ]
        );
        // The same seq the rolled-back attempt had: the sequence stays dense.
        assert_eq!(events::head(db).await.unwrap(), head + 2);
        app.finish().await;
    }
);

on_both!(
    a_reader_never_sees_a_later_seq_before_an_earlier_one,
    |app: TestApp| async move {
        // The failure this prevents: with a SERIAL seq, a transaction that takes
        // its number later but commits first is read, the reader moves past it,
        // and the earlier one is never read when it commits.
        let db = app.svc.db.clone();
        let head = events::head(&db).await.unwrap();
        let ev = |id| NewEvent::new(Module::Maintenance, id, 1, EventKind::Updated, 1);
        let mut first = db.begin().await.unwrap();
        let s1 = events::record(&mut first, &ev(1)).await.unwrap();
        let second = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                let s2 = events::record(&mut tx, &ev(2)).await.unwrap();
                tx.commit().await.unwrap();
                s2
            }
        });
        // Whatever the second writer manages meanwhile, a reader sees nothing
        // after `head` while the first is uncommitted.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(events::read_after(&db, head, 10).await.unwrap(), vec![]);
        assert!(
            !second.is_finished(),
            "the second writer waits for the first"
        );
        first.commit().await.unwrap();
        let s2 = second.await.unwrap();
        assert_eq!((s1, s2), (head + 1, head + 2));
        let seqs: Vec<i64> = events::read_after(&db, head, 10)
            .await
            .unwrap()
            .iter()
            .map(|c| c.seq)
            .collect();
        assert_eq!(seqs, vec![head + 1, head + 2]);
        app.finish().await;
    }
);

on_both!(
    a_retried_create_records_one_event,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        let body = new_request(app.machine_id("SEW-01").await, "Retried");
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
            op.post_idem("/api/v1/maintenance/requests", "retry-key-0001", body)
                .await,
        )
        .await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(r1["id"], r2["id"]);
        assert_eq!(
            events_for(&app.svc.db, r1["id"].as_i64().unwrap())
                .await
                .len(),
            1
        );
        app.finish().await;
    }
);

on_both!(
    the_stream_replays_what_a_reconnecting_browser_missed,
    |app: TestApp| async move {
        let sup = app.login("supervisor").await;
        let sew = app.machine_id("SEW-01").await;
        let mut first = Sse::open(&app.base, &sup.token, None).await;
        let start = first.hello().await.expect("a fresh stream names its start");

        let ids = [
            create_request(&sup, sew, "One").await,
            create_request(&sup, sew, "Two").await,
            create_request(&sup, sew, "Three").await,
        ];
        // Live: each change reaches the open stream, in order, with its seq as id.
        for (n, id) in ids.iter().enumerate() {
            let c = first.change(Duration::from_secs(5)).await;
            assert_eq!(
                (c.seq, c.id, c.topic, c.kind),
                (
                    start + 1 + n as i64,
                    *id,
                    Module::Maintenance,
                    EventKind::Created
                )
            );
        }

        // A browser that saw only the first comes back and gets exactly the other two.
        let mut back = Sse::open(&app.base, &sup.token, Some(&(start + 1).to_string())).await;
        assert_eq!(
            back.hello().await,
            None,
            "a resumed stream keeps the browser's id"
        );
        let a = back.change(Duration::from_secs(5)).await;
        let b = back.change(Duration::from_secs(5)).await;
        assert_eq!((a.seq, a.id), (start + 2, ids[1]));
        assert_eq!((b.seq, b.id), (start + 3, ids[2]));
        assert_eq!(back.next(Duration::from_millis(1500)).await, Next::Quiet);
        // ...and what happens next, once.
        let four = create_request(&sup, sew, "Four").await;
        let c = back.change(Duration::from_secs(5)).await;
        assert_eq!((c.seq, c.id), (start + 4, four));

        // An id from another log (ahead of this one) or garbage: resync.
        for bad in ["999999", "nonsense"] {
            let mut s = Sse::open(&app.base, &sup.token, Some(bad)).await;
            s.hello().await;
            let f = s.frame(Duration::from_secs(5)).await;
            assert_eq!(f.live(), LiveEvent::Resync { seq: start + 4 }, "{bad}");
        }
        // Too far behind (more than the replay limit) or trimmed from the log: resync.
        events::trim(&app.svc.db, service::now_ms() + 1)
            .await
            .unwrap();
        // The newest event stays (SQLite numbers the next one after it).
        assert_eq!(app.count("events").await, 1);
        let mut s = Sse::open(&app.base, &sup.token, Some(&start.to_string())).await;
        s.hello().await;
        assert_eq!(
            s.frame(Duration::from_secs(5)).await.live(),
            LiveEvent::Resync { seq: start + 4 }
        );
        // Nothing missed: nothing replayed.
        let mut s = Sse::open(&app.base, &sup.token, Some(&(start + 4).to_string())).await;
        s.hello().await;
        assert_eq!(s.next(Duration::from_millis(1500)).await, Next::Quiet);
        app.finish().await;
    }
);

on_both!(signing_out_ends_an_open_stream, |app: TestApp| async move {
    // Tests re-check every second (Config::for_tests); production every 30 s.
    let op = app.login("operator").await;
    let mut s = Sse::open(&app.base, &op.token, None).await;
    s.hello().await;
    // Open and quiet while the session lasts.
    assert_eq!(s.next(Duration::from_millis(2500)).await, Next::Quiet);
    let res = op.post("/api/v1/auth/logout", json!({})).await;
    assert!(res.status().is_success());
    assert_eq!(s.next(Duration::from_secs(10)).await, Next::Ended);
    // And it cannot be reopened.
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/events"))
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    app.finish().await;
});

on_both!(
    a_revoked_view_stops_that_modules_events,
    |app: TestApp| async move {
        // The quality inspector sees maintenance and master data.
        let quality = app.login("quality").await;
        let sup = app.login("supervisor").await;
        let admin = app.login("admin").await;
        let sew = app.machine_id("SEW-01").await;
        let mut s = Sse::open(&app.base, &quality.token, None).await;
        s.hello().await;
        let first = create_request(&sup, sew, "Seen").await;
        assert_eq!(s.change(Duration::from_secs(5)).await.id, first);

        // Revoked in the database (as another server process would), with no cache to clear here.
        sqlx::query(
            "DELETE FROM role_permissions WHERE module = 'maintenance' AND action = 'VIEW' \
         AND role_id = (SELECT id FROM roles WHERE name = 'quality')",
        )
        .execute(&app.svc.db.write)
        .await
        .unwrap();
        // Let the stream re-check (every second in tests).
        tokio::time::sleep(Duration::from_millis(2500)).await;
        create_request(&sup, sew, "Not for quality").await;
        // A machine (master data, still visible) after it: the next thing the stream sends.
        let (st, machine) = json(
            admin
                .post(
                    "/api/v1/maintenance/machines",
                    json!({ "code": "LATHE-9", "name": "Lathe nine" }),
                )
                .await,
        )
        .await;
        assert_eq!(st, 201, "{machine}");
        let c = s.change(Duration::from_secs(5)).await;
        assert_eq!(
            (c.topic, c.id),
            (Module::Master, machine["id"].as_i64().unwrap())
        );
        app.finish().await;
    }
);

on_both!(
    the_monitor_lease_has_one_holder,
    |app: TestApp| async move {
        use service::lease::Lease;
        let db = &app.svc.db;
        let term = Duration::from_secs(10);
        let a = Lease::new("test.job", term);
        let b = Lease::new("test.job", term);
        let now = 1_000_000;
        assert!(a.acquire(db, now).await.unwrap());
        assert!(!b.acquire(db, now + 1).await.unwrap(), "held by a");
        assert!(a.acquire(db, now + 5_000).await.unwrap(), "a renews");
        assert!(
            !b.acquire(db, now + 14_000).await.unwrap(),
            "renewed until now + 15 s"
        );
        assert!(
            b.acquire(db, now + 15_000).await.unwrap(),
            "expired: b takes over"
        );
        assert!(!a.acquire(db, now + 15_001).await.unwrap(), "a lost it");
        b.release(db).await.unwrap();
        assert!(
            a.acquire(db, now + 15_002).await.unwrap(),
            "released: a takes it at once"
        );
        // Racing for a free lease: exactly one wins.
        let racers: Vec<Lease> = (0..8).map(|_| Lease::new("test.race", term)).collect();
        let wins = futures::future::join_all(racers.iter().map(|l| l.acquire(db, now)))
            .await
            .into_iter()
            .filter(|r| *r.as_ref().unwrap())
            .count();
        assert_eq!(wins, 1);
        app.finish().await;
    }
);

// ---------- two server processes on one PostgreSQL database ----------

/// A `shopfloor` binary serving on its own port; killed when dropped.
struct Process {
    base: String,
    _child: tokio::process::Child,
}

impl Process {
    async fn start(db_url: &str) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_shopfloor"))
            .env("DATABASE_URL", db_url)
            .env("SHOPFLOOR_BIND", format!("127.0.0.1:{port}"))
            .env("SHOPFLOOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("SHOPFLOOR_DEMO", "true")
            .env("SHOPFLOOR_MONITOR_INTERVAL_MS", "200")
            .env("SHOPFLOOR_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("run the shopfloor binary");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..150 {
            if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
                if r.status().is_success() {
                    return Process {
                        base,
                        _child: child,
                    };
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the server at {base} did not become ready");
    }
}

async fn login_at(base: &str, username: &str) -> ApiClient {
    let pw = if username == "admin" {
        ADMIN_PASSWORD
    } else {
        DEMO_PASSWORD
    };
    let (s, body) = json(
        reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": pw }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    ApiClient {
        base: base.to_string(),
        token: body["token"].as_str().unwrap().to_string(),
        http: reqwest::Client::new(),
    }
}

async fn timeline_count(client: &ApiClient, id: i64, kind: &str) -> usize {
    let (s, body) = json(
        client
            .get(&format!("/api/v1/maintenance/requests/{id}"))
            .await,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_share_events_and_breach_once() {
    let Some((url, Some(name), _)) = fresh_db(Backend::Postgres).await else {
        return;
    };
    // One after the other, so the first migrates and seeds alone.
    let a = Process::start(&url).await;
    let b = Process::start(&url).await;
    // In a task, so the processes stop and the database goes even when it fails.
    let result = tokio::spawn(two_processes(a.base.clone(), b.base.clone(), url)).await;
    drop((a, b));
    drop_pg(&name).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn two_processes(a: String, b: String, url: String) {
    let db = service::Db::connect(&url).await.unwrap();
    let on_a = login_at(&a, "supervisor").await;
    let on_b = login_at(&b, "supervisor").await;
    let sew: i64 = sqlx::query("SELECT id FROM machines WHERE code = 'SEW-01'")
        .fetch_one(&db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();

    // A change made through A reaches a stream opened on B (B polls the log).
    let mut stream_b = Sse::open(&b, &on_b.token, None).await;
    let start = stream_b.hello().await.unwrap();
    let id = create_request(&on_a, sew, "Made on A").await;
    let c = stream_b.change(Duration::from_secs(3)).await;
    assert_eq!((c.seq, c.id, c.kind), (start + 1, id, EventKind::Created));

    // Both run the monitor; its first hour's response target passes.
    sqlx::query(
        "UPDATE maintenance_requests SET created_at = created_at - response_target_ms - 60000, \
         next_check_at = 0 WHERE id = $1",
    )
    .bind(id)
    .execute(&db.write)
    .await
    .unwrap();
    // The breach and the escalation reach B's stream, whichever process recorded them.
    let breach = stream_b.change(Duration::from_secs(5)).await;
    let escalation = stream_b.change(Duration::from_secs(5)).await;
    assert_eq!((breach.id, breach.kind), (id, EventKind::Breached));
    assert_eq!((escalation.id, escalation.kind), (id, EventKind::Escalated));
    // Give both monitors many more rounds (every 200 ms each): still once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(timeline_count(&on_a, id, "breach").await, 1);
    assert_eq!(timeline_count(&on_b, id, "escalation").await, 1);
    assert_eq!(
        events_for(&db, id)
            .await
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["created", "breached", "escalated"]
    );
    let holders: i64 = sqlx::query("SELECT COUNT(*) FROM leases WHERE name = $1")
        .bind(service::maintenance::MONITOR_LEASE)
        .fetch_one(&db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(holders, 1);
    assert_eq!(stream_b.next(Duration::from_millis(500)).await, Next::Quiet);
    db.write.close().await;
}
