//! The admin module's security (issue 7, items 10 and 2.4), on SQLite and
//! PostgreSQL: a user hands out only what they hold, only an admin makes (or
//! manages) an admin, and retried admin mutations are applied once.

mod common;

use common::*;
use serde_json::{json, Value};

async fn put(client: &ApiClient, path: &str, body: Value) -> (u16, Value) {
    json(
        client
            .http
            .put(format!("{}{}", client.base, path))
            .bearer_auth(&client.token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn role_id(admin: &ApiClient, name: &str) -> i64 {
    let roles: Value = admin.get("/api/v1/admin/roles").await.json().await.unwrap();
    roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn user(admin: &ApiClient, username: &str) -> Value {
    let users: Value = admin.get("/api/v1/admin/users").await.json().await.unwrap();
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .cloned()
        .unwrap()
}

async fn set_permission(
    client: &ApiClient,
    role: i64,
    module: &str,
    action: &str,
    granted: bool,
) -> (u16, Value) {
    put(
        client,
        &format!("/api/v1/admin/roles/{role}/permissions"),
        json!({ "permission": { "module": module, "action": action }, "granted": granted }),
    )
    .await
}

on_both!(
    delegates_hand_out_only_what_they_hold,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        // Supervisors become user administrators (and may report quality issues).
        let sup_role = role_id(&admin, "supervisor").await;
        for (m, a) in [
            ("admin", "VIEW"),
            ("admin", "CREATE"),
            ("admin", "UPDATE"),
            ("quality", "CREATE"),
        ] {
            assert_eq!(set_permission(&admin, sup_role, m, a, true).await.0, 204);
        }
        let sup = app.login("supervisor").await;
        let operator_role = role_id(&admin, "operator").await;
        let admin_role = role_id(&admin, "admin").await;

        // Permissions: only ones the supervisor holds, and never on the admin role.
        assert_eq!(
            set_permission(&sup, operator_role, "finance", "VIEW", true)
                .await
                .0,
            403
        );
        assert_eq!(
            set_permission(&sup, operator_role, "finance", "VIEW", false)
                .await
                .0,
            403
        );
        assert_eq!(
            set_permission(&sup, operator_role, "dashboard", "VIEW", true)
                .await
                .0,
            204
        );
        assert_eq!(
            set_permission(&sup, admin_role, "maintenance", "VIEW", false)
                .await
                .0,
            403
        );

        // New users: only roles within the supervisor's own permissions.
        let new_user = |name: &str, role: &str| json!({ "username": name, "display_name": name, "password": "a-long-password", "roles": [role] });
        for role in ["admin", "finance"] {
            let (status, body) = json(
                sup.post("/api/v1/admin/users", new_user("sneaky", role))
                    .await,
            )
            .await;
            assert_eq!(status, 403, "{role}: {body}");
        }
        let (status, body) = json(
            sup.post("/api/v1/admin/users", new_user("newop", "operator"))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");

        // Roles of existing users: no admin role, no role beyond the supervisor's.
        let op = user(&admin, "operator").await["id"].as_i64().unwrap();
        for roles in [json!(["operator", "admin"]), json!(["operator", "finance"])] {
            let (status, body) = put(
                &sup,
                &format!("/api/v1/admin/users/{op}/roles"),
                json!({ "roles": roles }),
            )
            .await;
            assert_eq!(status, 403, "{roles}: {body}");
        }
        assert_eq!(
            put(
                &sup,
                &format!("/api/v1/admin/users/{op}/roles"),
                json!({ "roles": ["operator"] })
            )
            .await
            .0,
            204
        );

        // Stronger accounts cannot be managed: no reset link, no disabling, no role change.
        let admin_id = user(&admin, "admin").await["id"].as_i64().unwrap();
        let finance_id = user(&admin, "finance").await["id"].as_i64().unwrap();
        assert_eq!(
            json(
                sup.post("/api/v1/admin/users/admin/password-reset", json!({}))
                    .await
            )
            .await
            .0,
            403
        );
        assert_eq!(
            put(
                &sup,
                &format!("/api/v1/admin/users/{admin_id}/active"),
                json!({ "active": false })
            )
            .await
            .0,
            403
        );
        assert_eq!(
            put(
                &sup,
                &format!("/api/v1/admin/users/{finance_id}/roles"),
                json!({ "roles": ["operator"] })
            )
            .await
            .0,
            403
        );
        assert_eq!(app.count("password_resets").await, 0);
        assert_eq!(user(&admin, "admin").await["roles"], json!(["admin"]));
        assert_eq!(user(&admin, "admin").await["active"], true);
        assert_eq!(user(&admin, "finance").await["roles"], json!(["finance"]));

        // An admin edits the whole set of roles: both are kept.
        assert_eq!(
            put(
                &admin,
                &format!("/api/v1/admin/users/{op}/roles"),
                json!({ "roles": ["operator", "quality"] })
            )
            .await
            .0,
            204
        );
        assert_eq!(
            user(&admin, "operator").await["roles"],
            json!(["operator", "quality"])
        );
        app.finish().await;
    }
);

async fn user_creates(app: &TestApp) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'user'")
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

on_both!(
    retried_admin_mutations_are_applied_once,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let users_before = app.count("users").await;
        let creates_before = user_creates(&app).await;
        let body = json!({ "username": "thandi", "display_name": "Thandi M", "password": "a-long-password", "roles": ["operator"] });
        let first = json(
            admin
                .post_idem("/api/v1/admin/users", "create-thandi-1", body.clone())
                .await,
        )
        .await;
        let again = json(
            admin
                .post_idem("/api/v1/admin/users", "create-thandi-1", body.clone())
                .await,
        )
        .await;
        assert_eq!(first.0, 201, "{:?}", first.1);
        assert_eq!(first, again);
        assert_eq!(app.count("users").await, users_before + 1);
        // The same key for a different request is refused, naming the key.
        let other = json!({ "username": "sipho", "display_name": "Sipho", "password": "a-long-password", "roles": ["operator"] });
        let (status, answer) = json(
            admin
                .post_idem("/api/v1/admin/users", "create-thandi-1", other)
                .await,
        )
        .await;
        assert_eq!(
            (status, answer["field"].as_str()),
            (422, Some("idempotency_key"))
        );

        // A retried reset link is the first one, stored once.
        let path = "/api/v1/admin/users/planner/password-reset";
        let (s1, r1) = json(admin.post_idem(path, "reset-planner-1", json!({})).await).await;
        let (s2, r2) = json(admin.post_idem(path, "reset-planner-1", json!({})).await).await;
        assert_eq!((s1, s2), (200, 200));
        assert_eq!(r1["token"], r2["token"]);
        assert_eq!(app.count("password_resets").await, 1);

        // The server function honours its key the same way.
        let sfn = |key: &str| {
            admin.post(
                "/sfn/admin/users/create",
                json!({ "idempotency_key": key, "input": { "username": "lerato", "display_name": "Lerato", "password": "a-long-password", "roles": ["quality"] } }),
            )
        };
        let (s1, u1) = json(sfn("create-lerato-1").await).await;
        let (s2, u2) = json(sfn("create-lerato-1").await).await;
        assert_eq!((s1, s2), (200, 200), "{u1} {u2}");
        assert_eq!(u1["id"], u2["id"]);
        assert_eq!(app.count("users").await, users_before + 2);

        assert_eq!(user_creates(&app).await, creates_before + 2);
        app.finish().await;
    }
);
