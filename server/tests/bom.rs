//! Bills of materials over real HTTP, on SQLite and on PostgreSQL: saves and
//! versions, validation issues at their line and field, cycles through
//! variants and levels, explosion and cost of a 3-level BOM against figures
//! worked by hand, frozen versions, where-used, permissions, idempotency.

mod common;

use common::*;
use serde_json::{json, Value};

// ---- master data fixtures (plain SQL; the master-data service is separate) ----

async fn exec(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&app.svc.db.write)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn unit(app: &TestApp, code: &str) -> i64 {
    exec(
        app,
        &format!("INSERT INTO units (code, name, search_text, created_at, updated_at) VALUES ('{code}', '{code}', lower('{code}'), 0, 0) \
         ON CONFLICT (code) DO UPDATE SET name = units.name RETURNING id"),
    )
    .await
}

/// An item; `attrs` is its JSON attribute list.
async fn item(app: &TestApp, code: &str, kind: &str, unit_id: i64, cost: i64, attrs: &str) -> i64 {
    let search = format!("{} {} part", code.to_lowercase(), code.to_lowercase());
    let id = exec(
        app,
        &format!(
            "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, created_at, updated_at) \
             VALUES ('{code}', '{code} part', '{search}', '{kind}', {unit_id}, {cost}, '{attrs}', 0, 0) RETURNING id"
        ),
    )
    .await;
    // Written by plain SQL, so indexed for search as the server does at start.
    let mut c = app.svc.db.write.acquire().await.unwrap();
    service::master::search::index_missing(&mut c)
        .await
        .unwrap();
    id
}

async fn work_centre(app: &TestApp, code: &str, kind: &str, rate: i64, archived: bool) -> i64 {
    let archived = if archived { "1" } else { "NULL" };
    exec(
        app,
        &format!(
            "INSERT INTO work_centres (code, name, kind, labour_rate_minor_per_hour, archived_at, created_at, updated_at) \
             VALUES ('{code}', '{code}', '{kind}', {rate}, {archived}, 0, 0) RETURNING id"
        ),
    )
    .await
}

async fn design(app: &TestApp, code: &str, stitches: i64, changes: i64) {
    exec(
        app,
        &format!(
            "INSERT INTO embroidery_designs (code, name, search_text, stitch_count, colour_changes, thread_colours, hoop, created_at, updated_at) \
             VALUES ('{code}', '{code}', lower('{code}'), {stitches}, {changes}, '[\"black\"]', 'H-10X10', 0, 0) RETURNING id"
        ),
    )
    .await;
}

async fn embroidery_machine(app: &TestApp, code: &str, wc: i64, spm: i64, heads: i64) {
    exec(
        app,
        &format!(
            "INSERT INTO machines (code, name, work_centre_id, active, created_at, stitches_per_minute, heads) \
             VALUES ('{code}', '{code}', {wc}, 1, 0, {spm}, {heads}) RETURNING id"
        ),
    )
    .await;
}

async fn count_where(app: &TestApp, sql: &str) -> i64 {
    exec(app, sql).await
}

// ---- HTTP helpers ----

async fn put(c: &ApiClient, path: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut r = c
        .http
        .put(format!("{}{}", c.base, path))
        .bearer_auth(&c.token)
        .json(&body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    json(r.send().await.unwrap()).await
}

async fn get(c: &ApiClient, path: &str) -> (u16, Value) {
    json(c.get(path).await).await
}

async fn post(c: &ApiClient, path: &str, body: Value) -> (u16, Value) {
    json(c.post(path, body).await).await
}

fn line(no: u32, component: &str, qty: &str, scrap_bp: u32) -> Value {
    json!({"line_no": no, "component": component, "qty": {"kind": "fixed", "qty": qty}, "scrap_bp": scrap_bp})
}

fn op(seq: u32, wc: &str, setup: &str, run: &str) -> Value {
    json!({"seq": seq, "work_centre": wc, "setup_minutes": setup, "run": {"kind": "per_unit", "minutes": run}})
}

fn bom(item: &str, lines: Vec<Value>, ops: Vec<Value>) -> Value {
    json!({"item": item, "version": 1, "lines": lines, "operations": ops})
}

/// The teddy of the hand-worked figures: BEAR → BODY → PANEL → FABRIC.
struct Plant {
    bear: i64,
    body: i64,
    panel: i64,
}

async fn three_levels(app: &TestApp, c: &ApiClient) -> Plant {
    let ea = unit(app, "EA").await;
    let m = unit(app, "M").await;
    let kg = unit(app, "KG").await;
    item(app, "BEAR", "finished", ea, 0, "[]").await;
    item(app, "BODY", "component", ea, 0, "[]").await;
    item(app, "PANEL", "component", ea, 0, "[]").await;
    item(app, "EYE", "raw", ea, 10, "[]").await;
    item(app, "STUFF", "raw", kg, 800, "[]").await;
    item(app, "FABRIC", "raw", m, 500, "[]").await;
    work_centre(app, "WC-SEW", "sewing", 1200, false).await;
    work_centre(app, "WC-CUT", "cutting", 600, false).await;
    let emb = work_centre(app, "WC-EMB", "embroidery", 600, false).await;
    embroidery_machine(app, "EMB-1", emb, 600, 4).await;
    design(app, "D-FACE", 6000, 2).await;
    let mut ids = vec![];
    for b in [
        bom(
            "PANEL",
            vec![line(1, "FABRIC", "0.25", 400)],
            vec![op(1, "WC-CUT", "5", "0.5")],
        ),
        bom(
            "BODY",
            vec![line(1, "PANEL", "2", 1000), line(2, "STUFF", "0.1", 0)],
            vec![op(1, "WC-SEW", "0", "3")],
        ),
        bom(
            "BEAR",
            vec![line(1, "BODY", "1", 0), line(2, "EYE", "2", 500)],
            vec![
                op(1, "WC-SEW", "10", "2"),
                json!({"seq": 2, "work_centre": "WC-EMB", "setup_minutes": "0", "run": {"kind": "embroidery", "design": "D-FACE"}}),
            ],
        ),
    ] {
        let (s, v) = post(c, "/api/v1/warehouse/bom", b).await;
        assert_eq!(s, 201, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    Plant {
        panel: ids[0],
        body: ids[1],
        bear: ids[2],
    }
}

on_both!(save_get_and_versions, |app: TestApp| async move {
    let w = app.login("warehouse").await;
    let p = three_levels(&app, &w).await;
    let (s, v) = get(&w, &format!("/api/v1/warehouse/bom/{}", p.body)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["item"], "BODY");
    assert_eq!(v["version"], 1);
    assert_eq!(v["revision"], 1);
    assert_eq!(v["form"]["lines"][0]["qty"]["qty"], "2");
    let panel = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "PANEL")
        .unwrap();
    assert_eq!(
        panel["bom_id"], p.panel,
        "a made component links to its BOM"
    );
    // The component index follows the body.
    assert_eq!(
        count_where(
            &app,
            &format!(
                "SELECT COUNT(*) FROM bom_components WHERE bom_id = {}",
                p.body
            )
        )
        .await,
        2
    );
    // The list, and its search by item and by component.
    let (_, page) = get(&w, "/api/v1/warehouse/bom?limit=2").await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["item"], "BEAR");
    let (_, page) = get(&w, "/api/v1/warehouse/bom?q=stuff").await;
    assert_eq!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["item"].clone())
            .collect::<Vec<_>>(),
        vec![json!("BODY")]
    );
    let (s, e) = get(&w, "/api/v1/warehouse/bom?limit=500").await;
    assert_eq!((s, e["field"].as_str()), (422, Some("limit")));

    // An in-place edit: revision 2, same id; a stale revision is a conflict.
    let mut form = v["form"].clone();
    form["lines"][1]["qty"]["qty"] = json!("0.12");
    let (s, saved) = put(&w, &format!("/api/v1/warehouse/bom/{}", p.body), None, json!({"revision": 1, "item": "BODY", "version": 1, "lines": form["lines"], "operations": form["operations"]})).await;
    assert_eq!(s, 200, "{saved}");
    assert_eq!(
        (
            saved["id"].as_i64(),
            saved["revision"].as_i64(),
            saved["version"].as_i64()
        ),
        (Some(p.body), Some(2), Some(1))
    );
    assert_eq!(saved["form"]["lines"][1]["qty"]["qty"], "0.12");
    let (s, e) = put(
        &w,
        &format!("/api/v1/warehouse/bom/{}", p.body),
        None,
        json!({"revision": 1, "item": "BODY", "version": 1, "lines": form["lines"]}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert!(e["message"].as_str().unwrap().contains("revision 2"), "{e}");
    let (_, versions) = get(&w, &format!("/api/v1/warehouse/bom/{}/versions", p.body)).await;
    assert_eq!(versions.as_array().unwrap().len(), 1);
    // Audit and events: three creates and one update, topic warehouse.
    assert_eq!(
        count_where(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'bom'").await,
        4
    );
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM events WHERE topic = 'warehouse'"
        )
        .await,
        4
    );
    // A second BOM for the same item is refused.
    let (s, _) = post(
        &w,
        "/api/v1/warehouse/bom",
        bom("BODY", vec![line(1, "STUFF", "1", 0)], vec![]),
    )
    .await;
    assert_eq!(s, 409);
    let (s, _) = get(&w, "/api/v1/warehouse/bom/999999").await;
    assert_eq!(s, 404);
    app.finish().await;
});

on_both!(
    cycle_through_variants_and_three_levels_is_refused,
    |app: TestApp| async move {
        let w = app.login("warehouse").await;
        let ea = unit(&app, "EA").await;
        item(&app, "A", "finished", ea, 0, "[]").await;
        item(&app, "B", "component", ea, 0, "[]").await;
        item(
            &app,
            "C",
            "component",
            ea,
            0,
            r#"[{"name":"colour","values":["red","blue"]}]"#,
        )
        .await;
        item(&app, "X", "raw", ea, 5, "[]").await;
        // C adds A only for red; B uses red C.
        let c_bom = json!({"item": "C", "version": 1, "lines": [line(1, "X", "1", 0)], "operations": [],
        "overrides": [{"when": {"colour": "red"}, "change": {"kind": "add", "line": line(2, "A", "1", 0)}}]});
        let (s, v) = post(&w, "/api/v1/warehouse/bom", c_bom).await;
        assert_eq!(s, 201, "{v}");
        let b_line = json!({"line_no": 1, "component": "C", "qty": {"kind": "fixed", "qty": "1"}, "scrap_bp": 0,
        "attrs": [{"component_attribute": "colour", "source": {"kind": "fixed", "value": "red"}}]});
        let (s, v) = post(&w, "/api/v1/warehouse/bom", bom("B", vec![b_line], vec![])).await;
        assert_eq!(s, 201, "{v}");
        let before = (
            app.count("boms").await,
            app.count("bom_components").await,
            app.count("audit_log").await,
            app.count("events").await,
        );
        let (s, e) = post(
            &w,
            "/api/v1/warehouse/bom",
            bom("A", vec![line(1, "B", "1", 0)], vec![]),
        )
        .await;
        assert_eq!(s, 422, "{e}");
        assert_eq!(e["field"], "lines[0].component");
        assert!(
            e["detail"].as_str().unwrap().contains("A → B → C → A"),
            "{e}"
        );
        assert_eq!(e["issues"][0]["kind"], "cycle");
        assert_eq!(e["issues"][0]["line"], 1);
        let after = (
            app.count("boms").await,
            app.count("bom_components").await,
            app.count("audit_log").await,
            app.count("events").await,
        );
        assert_eq!(before, after, "nothing written");
        // The same through validate: 200 with the issue.
        let (s, v) = post(
            &w,
            "/api/v1/warehouse/bom/validate",
            bom("A", vec![line(1, "B", "1", 0)], vec![]),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(v["valid"], false);
        assert!(v["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("A → B → C → A"));
        app.finish().await;
    }
);

on_both!(
    each_problem_names_its_line_and_field,
    |app: TestApp| async move {
        let w = app.login("warehouse").await;
        let ea = unit(&app, "EA").await;
        item(&app, "TOY", "finished", ea, 0, "[]").await;
        item(
            &app,
            "FELT",
            "raw",
            ea,
            5,
            r#"[{"name":"colour","values":["red","blue"]}]"#,
        )
        .await;
        item(&app, "EYE", "raw", ea, 5, "[]").await;
        work_centre(&app, "WC-OLD", "sewing", 100, true).await;
        let felt_purple = json!({"line_no": 3, "component": "FELT", "qty": {"kind": "fixed", "qty": "1"}, "scrap_bp": 0,
        "attrs": [{"component_attribute": "colour", "source": {"kind": "fixed", "value": "purple"}}]});
        let cases = [
            (
                bom("TOY", vec![line(1, "NOPE", "1", 0)], vec![]),
                "lines[0].component",
                Some(1),
                None,
                "missing_item",
            ),
            (
                bom(
                    "TOY",
                    vec![line(1, "EYE", "1", 0), line(2, "FELT", "0", 0)],
                    vec![],
                ),
                "lines[1].qty",
                Some(2),
                None,
                "non_positive_qty",
            ),
            (
                bom("TOY", vec![felt_purple.clone()], vec![]),
                "lines[0].attrs[0].source.value",
                Some(3),
                None,
                "attribute_value",
            ),
            (
                bom(
                    "TOY",
                    vec![line(1, "EYE", "2", 0)],
                    vec![op(1, "WC-OLD", "0", "1")],
                ),
                "operations[0].work_centre",
                None,
                Some(1),
                "archived_work_centre",
            ),
        ];
        let boms_before = app.count("boms").await;
        for (body, field, line_no, seq, kind) in cases {
            let (s, e) = post(&w, "/api/v1/warehouse/bom", body.clone()).await;
            assert_eq!(s, 422, "{e}");
            assert_eq!(e["field"], field, "{e}");
            let first = &e["issues"][0];
            assert_eq!(first["kind"], kind, "{e}");
            assert_eq!(first["field"], field);
            assert_eq!(first["line"], json!(line_no));
            assert_eq!(first["operation"], json!(seq));
        }
        assert_eq!(app.count("boms").await, boms_before, "nothing written");
        // All four at once through validate, in form order.
        let all = bom(
            "TOY",
            vec![
                line(1, "NOPE", "1", 0),
                line(2, "FELT", "-1", 0),
                felt_purple,
                // A bad quantity does not hide an unknown item on its line.
                line(4, "GONE", "0", 0),
                // Nor a bad line number a component that is not a code.
                line(0, "not a code!", "1", 0),
            ],
            vec![op(1, "WC-OLD", "0", "1")],
        );
        let (s, v) = post(&w, "/api/v1/warehouse/bom/validate", all).await;
        assert_eq!(s, 200, "{v}");
        let fields: Vec<&str> = v["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["field"].as_str().unwrap())
            .collect();
        for f in [
            "lines[0].component",
            "lines[1].qty",
            "lines[2].attrs[0].source.value",
            "lines[3].component",
            "lines[3].qty",
            "lines[4].line_no",
            "lines[4].component",
            "operations[0].work_centre",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        app.finish().await;
    }
);

on_both!(
    explosion_and_cost_match_hand_figures,
    |app: TestApp| async move {
        let w = app.login("warehouse").await;
        let p = three_levels(&app, &w).await;
        let (s, ex) = get(
            &w,
            &format!("/api/v1/warehouse/bom/{}/explode?qty=10", p.bear),
        )
        .await;
        assert_eq!(s, 200, "{ex}");
        let req = |code: &str| {
            ex["requirements"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["item"] == code)
                .cloned()
                .unwrap()
        };
        // BODY 10 × 1; EYE 10 × 2 + 5 %; PANEL 10 × 2 + 10 %; STUFF 10 × 0.1; FABRIC 22 × 0.25 + 4 %.
        assert_eq!(
            (
                req("BODY")["total_qty"].clone(),
                req("BODY")["made"].clone()
            ),
            (json!("10"), json!(true))
        );
        assert_eq!(
            (
                req("EYE")["total_qty"].clone(),
                req("EYE")["net_qty"].clone()
            ),
            (json!("21"), json!("20"))
        );
        assert_eq!(req("PANEL")["total_qty"], "22");
        assert_eq!(req("STUFF")["total_qty"], "1");
        assert_eq!(
            (
                req("FABRIC")["total_qty"].clone(),
                req("FABRIC")["net_qty"].clone(),
                req("FABRIC")["unit"].clone()
            ),
            (json!("5.72"), json!("5"), json!("M"))
        );
        assert_eq!(
            ex["root"]["children"][0]["children"][0]["children"][0]["item"],
            "FABRIC"
        );
        // Embroidery: ceil(10 ÷ 4) = 3 runs × (6000 ÷ 600 + 2 × 1) = 36 minutes.
        let emb = ex["root"]["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["work_centre"] == "WC-EMB")
            .cloned()
            .unwrap();
        assert_eq!(emb["total_minutes"], "36");

        let (s, cost) = get(&w, &format!("/api/v1/warehouse/bom/{}/cost?qty=10", p.bear)).await;
        assert_eq!(s, 200, "{cost}");
        // Material: EYE 21 × 10 = 210 (scrap 10), STUFF 1 × 800, FABRIC 5.72 × 500 = 2860 (scrap 360).
        // Labour: BEAR (10 + 20) min × 20 + 36 min × 10 = 960; BODY 30 × 20 = 600; PANEL (5 + 11) × 10 = 160.
        assert_eq!(
            cost["total"],
            json!({"material_minor": 3870, "scrap_minor": 370, "labour_minor": 1720, "total_minor": 5590})
        );
        assert_eq!(cost["per_unit"]["total_minor"], 559);
        let level = |n: u64| {
            cost["levels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["level"] == n)
                .unwrap()["cost"]
                .clone()
        };
        assert_eq!(
            level(0),
            json!({"material_minor": 0, "scrap_minor": 0, "labour_minor": 960, "total_minor": 960})
        );
        assert_eq!(
            level(1),
            json!({"material_minor": 210, "scrap_minor": 10, "labour_minor": 600, "total_minor": 810})
        );
        assert_eq!(
            level(2),
            json!({"material_minor": 800, "scrap_minor": 0, "labour_minor": 160, "total_minor": 960})
        );
        assert_eq!(
            level(3),
            json!({"material_minor": 2860, "scrap_minor": 360, "labour_minor": 0, "total_minor": 2860})
        );
        // Bad parameters name themselves.
        let (s, e) = get(&w, &format!("/api/v1/warehouse/bom/{}/cost?qty=0", p.bear)).await;
        assert_eq!((s, e["field"].as_str()), (422, Some("qty")));
        let (s, e) = get(
            &w,
            &format!("/api/v1/warehouse/bom/{}/explode?variant=size", p.bear),
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (422, Some("variant")));
        app.finish().await;
    }
);

on_both!(
    frozen_version_is_kept_and_edit_makes_version_two,
    |app: TestApp| async move {
        let w = app.login("warehouse").await;
        let p = three_levels(&app, &w).await;
        // An order uses BODY v1.
        let body_item: i64 = exec(&app, "SELECT id FROM items WHERE code = 'BODY'").await;
        let mut tx = app.svc.db.begin().await.unwrap();
        let current = service::bom::current_bom_for_item(&mut tx, body_item)
            .await
            .unwrap();
        assert_eq!(current, Some((p.body, 1)));
        service::bom::freeze(&mut tx, p.body, 1_000).await.unwrap();
        tx.commit().await.unwrap();

        let (_, v1) = get(&w, &format!("/api/v1/warehouse/bom/{}", p.body)).await;
        assert_eq!(v1["frozen"], true);
        let mut edit = v1["form"].clone();
        edit["revision"] = json!(1);
        edit["lines"][1]["qty"]["qty"] = json!("0.2");
        let (s, v2) = put(
            &w,
            &format!("/api/v1/warehouse/bom/{}", p.body),
            Some("edit-frozen-1"),
            edit.clone(),
        )
        .await;
        assert_eq!(s, 200, "{v2}");
        let v2_id = v2["id"].as_i64().unwrap();
        assert_ne!(v2_id, p.body);
        assert_eq!(
            (
                v2["version"].as_i64(),
                v2["is_current"].as_bool(),
                v2["frozen"].as_bool()
            ),
            (Some(2), Some(true), Some(false))
        );
        // Version 1 is unchanged and no longer current.
        let (_, old) = get(&w, &format!("/api/v1/warehouse/bom/{}", p.body)).await;
        assert_eq!(
            (old["version"].as_i64(), old["is_current"].as_bool()),
            (Some(1), Some(false))
        );
        assert_eq!(old["form"]["lines"][1]["qty"]["qty"], "0.1");
        let mut tx = app.svc.db.begin().await.unwrap();
        assert_eq!(
            service::bom::current_bom_for_item(&mut tx, body_item)
                .await
                .unwrap(),
            Some((v2_id, 2))
        );
        drop(tx);
        let (_, versions) = get(&w, &format!("/api/v1/warehouse/bom/{}/versions", v2_id)).await;
        assert_eq!(
            versions
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            vec![2, 1]
        );
        // The old version cannot be edited; the parent now explodes through v2.
        let (s, _) = put(&w, &format!("/api/v1/warehouse/bom/{}", p.body), None, edit).await;
        assert_eq!(s, 409);
        let (_, ex) = get(
            &w,
            &format!("/api/v1/warehouse/bom/{}/explode?qty=10", p.bear),
        )
        .await;
        let stuff = ex["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["item"] == "STUFF")
            .cloned()
            .unwrap();
        assert_eq!(stuff["total_qty"], "2");
        app.finish().await;
    }
);

on_both!(where_used_through_two_levels, |app: TestApp| async move {
    let w = app.login("warehouse").await;
    three_levels(&app, &w).await;
    let (s, v) = get(&w, "/api/v1/warehouse/bom/search?component=fabric").await;
    assert_eq!(s, 200, "{v}");
    let uses = v["where_used"]["uses"].as_array().unwrap();
    let got: Vec<(String, u64)> = uses
        .iter()
        .map(|u| {
            (
                u["item"].as_str().unwrap().to_string(),
                u["level"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("PANEL".into(), 1), ("BODY".into(), 2), ("BEAR".into(), 3)]
    );
    assert_eq!(uses[2]["path"], json!(["BEAR", "BODY", "PANEL", "FABRIC"]));
    let (_, v) = get(&w, "/api/v1/warehouse/bom/search?q=fabric").await;
    assert_eq!(
        v["boms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["item"].clone())
            .collect::<Vec<_>>(),
        vec![json!("PANEL")]
    );
    let (s, e) = get(&w, "/api/v1/warehouse/bom/search").await;
    assert_eq!((s, e["field"].as_str()), (422, Some("component")));
    let (s, _) = get(&w, "/api/v1/warehouse/bom/search?component=NOPE").await;
    assert_eq!(s, 404);
    app.finish().await;
});

on_both!(
    variant_grid_lists_every_combination,
    |app: TestApp| async move {
        let w = app.login("warehouse").await;
        let ea = unit(&app, "EA").await;
        let kg = unit(&app, "KG").await;
        let attrs =
            r#"[{"name":"colour","values":["brown","white"]},{"name":"size","values":["S","M"]}]"#;
        item(&app, "TED", "finished", ea, 0, attrs).await;
        item(
            &app,
            "FUR",
            "raw",
            ea,
            100,
            r#"[{"name":"colour","values":["brown","white"]}]"#,
        )
        .await;
        item(&app, "FILL", "raw", kg, 300, "[]").await;
        item(&app, "BOW", "raw", ea, 20, "[]").await;
        let fur = json!({"line_no": 1, "component": "FUR", "qty": {"kind": "fixed", "qty": "0.5"}, "scrap_bp": 0,
        "attrs": [{"component_attribute": "colour", "source": {"kind": "follow", "parent_attribute": "colour"}}]});
        let fill = json!({"line_no": 2, "component": "FILL", "qty": {"kind": "by_attribute", "attribute": "size", "values": {"S": "0.08", "M": "0.12"}}, "scrap_bp": 0});
        let body = json!({"item": "TED", "version": 1, "lines": [fur, fill], "operations": [],
        "overrides": [{"when": {"colour": "white"}, "change": {"kind": "add", "line": line(3, "BOW", "1", 0)}}]});
        let (s, v) = post(&w, "/api/v1/warehouse/bom", body).await;
        assert_eq!(s, 201, "{v}");
        let (s, g) = get(&w, "/api/v1/warehouse/bom/variants?item=TED").await;
        assert_eq!(s, 200, "{g}");
        assert_eq!(g["variants"].as_array().unwrap().len(), 4);
        let (_, one) = get(
            &w,
            "/api/v1/warehouse/bom/variants?item=TED&variant=colour=white;size=M",
        )
        .await;
        let lines = one["variants"][0]["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["component_variant"], "colour=white");
        assert_eq!(lines[1]["qty_per"], "0.12");
        assert_eq!(lines[2]["component"], "BOW");
        let (s, e) = get(
            &w,
            "/api/v1/warehouse/bom/variants?item=TED&variant=colour=pink;size=M",
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (422, Some("variant")));
        app.finish().await;
    }
);

on_both!(permissions_per_role, |app: TestApp| async move {
    let w = app.login("warehouse").await;
    let p = three_levels(&app, &w).await;
    let (_, v) = get(&w, &format!("/api/v1/warehouse/bom/{}", p.panel)).await;
    let mut edit = v["form"].clone();
    edit["revision"] = json!(1);
    // Operators have no warehouse permission at all.
    let op = app.login("operator").await;
    assert_eq!(get(&op, "/api/v1/warehouse/bom").await.0, 403);
    assert_eq!(
        get(&op, &format!("/api/v1/warehouse/bom/{}/cost", p.bear))
            .await
            .0,
        403
    );
    // Planners, supervisors and finance view but do not edit.
    for role in ["planner", "supervisor", "finance"] {
        let c = app.login(role).await;
        assert_eq!(get(&c, "/api/v1/warehouse/bom").await.0, 200, "{role}");
        assert_eq!(
            get(&c, &format!("/api/v1/warehouse/bom/{}/cost?qty=2", p.bear))
                .await
                .0,
            200,
            "{role}"
        );
        let (s, e) = put(
            &c,
            &format!("/api/v1/warehouse/bom/{}", p.panel),
            None,
            edit.clone(),
        )
        .await;
        assert_eq!(s, 403, "{role}: {e}");
        let (s, _) = post(
            &c,
            "/api/v1/warehouse/bom",
            bom("EYE", vec![line(1, "FABRIC", "1", 0)], vec![]),
        )
        .await;
        assert_eq!(s, 403, "{role}");
    }
    let (s, _) = put(
        &app.login("admin").await,
        &format!("/api/v1/warehouse/bom/{}", p.panel),
        None,
        edit,
    )
    .await;
    assert_eq!(s, 200);
    app.finish().await;
});

on_both!(retried_save_applies_once, |app: TestApp| async move {
    let w = app.login("warehouse").await;
    let p = three_levels(&app, &w).await;
    let (_, v) = get(&w, &format!("/api/v1/warehouse/bom/{}", p.panel)).await;
    let mut edit = v["form"].clone();
    edit["revision"] = json!(1);
    edit["lines"][0]["scrap_bp"] = json!(500);
    let audit = app.count("audit_log").await;
    let events = app.count("events").await;
    let (s1, a) = put(
        &w,
        &format!("/api/v1/warehouse/bom/{}", p.panel),
        Some("bom-retry-0001"),
        edit.clone(),
    )
    .await;
    let (s2, b) = put(
        &w,
        &format!("/api/v1/warehouse/bom/{}", p.panel),
        Some("bom-retry-0001"),
        edit.clone(),
    )
    .await;
    assert_eq!((s1, s2), (200, 200), "{a} {b}");
    assert_eq!(a, b, "the retry gets the first answer");
    assert_eq!(a["revision"], 2);
    assert_eq!(app.count("audit_log").await, audit + 1);
    assert_eq!(app.count("events").await, events + 1);
    // The same key for a different body is refused.
    edit["lines"][0]["scrap_bp"] = json!(600);
    let (s, e) = put(
        &w,
        &format!("/api/v1/warehouse/bom/{}", p.panel),
        Some("bom-retry-0001"),
        edit,
    )
    .await;
    assert_eq!((s, e["field"].as_str()), (422, Some("idempotency_key")));
    // A retried create writes one BOM.
    item(&app, "SOCK", "finished", 1, 0, "[]").await;
    let body = bom("SOCK", vec![line(1, "FABRIC", "0.1", 0)], vec![]);
    let n = app.count("boms").await;
    let r1 = json(
        w.post_idem("/api/v1/warehouse/bom", "bom-create-0001", body.clone())
            .await,
    )
    .await;
    let r2 = json(
        w.post_idem("/api/v1/warehouse/bom", "bom-create-0001", body)
            .await,
    )
    .await;
    assert_eq!(r1.0, 201, "{}", r1.1);
    assert_eq!(r1.1["id"], r2.1["id"]);
    assert_eq!(app.count("boms").await, n + 1);
    app.finish().await;
});

on_both!(
    concurrent_saves_never_close_a_loop,
    |app: TestApp| async move {
        // P gains Q while Q gains P, at the same moment: each save alone is
        // fine, together they would loop. One must be refused, every round.
        let w = app.login("warehouse").await;
        let ea = unit(&app, "EA").await;
        item(&app, "X", "raw", ea, 5, "[]").await;
        for round in 0..8 {
            let (p, q) = (format!("P{round}"), format!("Q{round}"));
            item(&app, &p, "component", ea, 0, "[]").await;
            item(&app, &q, "component", ea, 0, "[]").await;
            let bp = bom(&p, vec![line(1, "X", "1", 0), line(2, &q, "1", 0)], vec![]);
            let bq = bom(&q, vec![line(1, "X", "1", 0), line(2, &p, "1", 0)], vec![]);
            let ((sp, vp), (sq, vq)) = tokio::join!(
                post(&w, "/api/v1/warehouse/bom", bp),
                post(&w, "/api/v1/warehouse/bom", bq)
            );
            let mut statuses = [sp, sq];
            statuses.sort_unstable();
            assert_eq!(statuses, [201, 422], "round {round}: {vp} {vq}");
            let refused = if sp == 422 { vp } else { vq };
            assert_eq!(refused["issues"][0]["kind"], "cycle", "{refused}");
        }
        app.finish().await;
    }
);

on_both!(
    cached_catalogs_follow_every_change,
    |app: TestApp| async move {
        // Explosion and cost of a stored BOM reuse its loaded catalog while
        // the catalog is unchanged (service/src/bom/cache.rs). A change by
        // any path — plain SQL, a BOM save, another server process on the
        // same database — must show on the next read of every process.
        let w = app.login("warehouse").await;
        let p = three_levels(&app, &w).await;
        let other = TestApp::spawn_on(app.db_url.clone(), None, None).await;
        let w2 = other.login("warehouse").await;
        let cost_path = format!("/api/v1/warehouse/bom/{}/cost?qty=10", p.bear);
        let total = |v: &Value| v["total"]["total_minor"].as_i64().unwrap();
        let fabric = |v: &Value| {
            v["requirements"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["item"] == "FABRIC")
                .map(|r| r["total_qty"].clone())
                .unwrap()
        };
        for c in [&w, &w2] {
            let (s, v) = get(c, &cost_path).await;
            assert_eq!((s, total(&v)), (200, 5590), "{v}");
            // Read twice: the second answer comes from the cache, alike.
            let (s, v) = get(c, &cost_path).await;
            assert_eq!((s, total(&v)), (200, 5590), "{v}");
        }
        assert!(!app.svc.bom_cache.is_empty() && !other.svc.bom_cache.is_empty());

        // A standard cost changed by plain SQL: FABRIC 5.72 m × 1.00 more.
        exec(
            &app,
            "UPDATE items SET standard_cost_minor = 600 WHERE code = 'FABRIC' RETURNING id",
        )
        .await;
        for c in [&w, &w2] {
            let (_, v) = get(c, &cost_path).await;
            assert_eq!(total(&v), 5590 + 572, "{v}");
        }
        // A labour rate: PANEL's 16 cutting minutes at 12.00 instead of 6.00 an hour.
        exec(
            &app,
            "UPDATE work_centres SET labour_rate_minor_per_hour = 1200 WHERE code = 'WC-CUT' RETURNING id",
        )
        .await;
        let (_, v) = get(&w2, &cost_path).await;
        assert_eq!(total(&v), 5590 + 572 + 160, "{v}");

        // A BOM two levels down saved through the other process: PANEL takes
        // 0.5 m of fabric instead of 0.25, so BEAR needs 22 × 0.5 + 4 %.
        let explode_path = format!("/api/v1/warehouse/bom/{}/explode?qty=10", p.bear);
        let (_, before) = get(&w, &explode_path).await;
        assert_eq!(fabric(&before), json!("5.72"));
        let (s, panel) = get(&w2, &format!("/api/v1/warehouse/bom/{}", p.panel)).await;
        assert_eq!(s, 200, "{panel}");
        let mut edit = panel["form"].clone();
        edit["revision"] = panel["revision"].clone();
        edit["lines"][0]["qty"]["qty"] = json!("0.5");
        let (s, v) = put(
            &w2,
            &format!("/api/v1/warehouse/bom/{}", p.panel),
            Some("panel-half-metre"),
            edit,
        )
        .await;
        assert_eq!(s, 200, "{v}");
        for c in [&w, &w2] {
            let (_, after) = get(c, &explode_path).await;
            assert_eq!(fabric(&after), json!("11.44"), "{after}");
        }
        // Decoded bodies are kept by (id, revision): the database refuses a
        // body changed without a new revision.
        let bad = sqlx::query("UPDATE boms SET body = '{}' WHERE id = $1")
            .bind(p.bear)
            .execute(&app.svc.db.write)
            .await;
        assert!(bad.is_err(), "a body changed without its revision");
        // The component index counts as catalog too.
        let before: i64 = sqlx::query_scalar("SELECT version FROM catalog_version")
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap();
        sqlx::query("DELETE FROM bom_components WHERE bom_id = $1")
            .bind(p.panel)
            .execute(&app.svc.db.write)
            .await
            .unwrap();
        let after: i64 = sqlx::query_scalar("SELECT version FROM catalog_version")
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap();
        assert!(after > before, "{before} -> {after}");
        other.finish().await;
        app.finish().await;
    }
);
