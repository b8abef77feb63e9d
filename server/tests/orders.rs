//! Sales orders over real HTTP, on SQLite and PostgreSQL: field errors with
//! nothing written, the size × colour grid stored as one line per variant
//! and read back with totals, the lifecycle, BOM pinning on confirmation,
//! permissions per role, idempotent retries and version conflicts.

mod common;

use common::*;
use serde_json::{json, Value};
use sqlx::Row;

/// Items, a customer and (optionally) BOMs the tests order against.
struct Fixture {
    customer: i64,
    other_customer: i64,
    /// Teddy bear: size S, M, L, XL × colour red, blue; counted in EA.
    bear: i64,
    /// Ribbon: no variants, in metres; no BOM (bought in).
    ribbon: i64,
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql).execute(&app.svc.db.write).await.unwrap();
}

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn fixture(app: &TestApp) -> Fixture {
    for (code, name) in [("EA", "each"), ("M", "metre")] {
        exec(
            app,
            &format!(
                "INSERT INTO units (code, name, search_text, created_at, updated_at) SELECT '{code}', '{name}', lower('{code} {name}'), 0, 0 \
                 WHERE NOT EXISTS (SELECT 1 FROM units WHERE code = '{code}')"
            ),
        )
        .await;
    }
    let attrs = r#"[{"name":"size","values":["S","M","L","XL"]},{"name":"colour","values":["red","blue"]}]"#;
    exec(
        app,
        &format!(
            "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, created_at, updated_at) \
             VALUES ('TST-BEAR', 'Test bear', 'tst-bear test bear', 'finished', (SELECT id FROM units WHERE code = 'EA'), 900, '{attrs}', 0, 0)"
        ),
    )
    .await;
    exec(
        app,
        "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, created_at, updated_at) \
         VALUES ('TST-RIBBON', 'Test ribbon', 'tst-ribbon test ribbon', 'raw', (SELECT id FROM units WHERE code = 'M'), 30, '[]', 0, 0)",
    )
    .await;
    for (code, name) in [("TST-TOYS", "Toy Palace"), ("TST-GIFTS", "Gift Barn")] {
        exec(
            app,
            &format!(
                "INSERT INTO customers (code, name, search_text, created_at, updated_at) \
                 VALUES ('{code}', '{name}', lower('{code} {name}'), 0, 0)"
            ),
        )
        .await;
    }
    Fixture {
        customer: id_of(app, "SELECT id FROM customers WHERE code = 'TST-TOYS'").await,
        other_customer: id_of(app, "SELECT id FROM customers WHERE code = 'TST-GIFTS'").await,
        bear: id_of(app, "SELECT id FROM items WHERE code = 'TST-BEAR'").await,
        ribbon: id_of(app, "SELECT id FROM items WHERE code = 'TST-RIBBON'").await,
    }
}

/// A BOM version row for `item` (the body is not read by orders).
async fn insert_bom(app: &TestApp, item: i64, version: i64, current: bool) -> i64 {
    exec(
        app,
        &format!(
            "INSERT INTO boms (item_id, version, is_current, body, created_at, updated_at) \
             VALUES ({item}, {version}, {}, '{{}}', 0, 0)",
            i64::from(current)
        ),
    )
    .await;
    id_of(
        app,
        &format!("SELECT id FROM boms WHERE item_id = {item} AND version = {version}"),
    )
    .await
}

fn cell(row: &str, col: &str, qty: &str) -> Value {
    json!({ "row": row, "col": col, "qty": qty })
}

/// Red: S 10, M 5; blue: M 4, XL 2 (and two empty cells, not stored).
fn bear_grid(f: &Fixture) -> Value {
    json!({
        "item_id": f.bear,
        "rows_attribute": "colour",
        "cols_attribute": "size",
        "unit_price_minor": 1500,
        "cells": [
            cell("red", "S", "10"), cell("red", "M", "5"), cell("red", "L", ""),
            cell("blue", "S", "0"), cell("blue", "M", "4"), cell("blue", "XL", "2"),
        ],
    })
}

fn order_body(f: &Fixture) -> Value {
    json!({
        "customer_id": f.customer,
        "customer_ref": "PO-4471",
        "due_date": "2026-12-01",
        "lines": [
            bear_grid(f),
            { "item_id": f.ribbon, "qty": "2.5", "unit_price_minor": 80 },
        ],
    })
}

async fn put(client: &ApiClient, path: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = client
        .http
        .put(format!("{}{}", client.base, path))
        .bearer_auth(&client.token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    json(req.send().await.unwrap()).await
}

async fn get(client: &ApiClient, path: &str) -> (u16, Value) {
    json(client.get(path).await).await
}

async fn post(client: &ApiClient, path: &str, body: Value) -> (u16, Value) {
    json(client.post(path, body).await).await
}

async fn create(client: &ApiClient, body: Value) -> Value {
    let (status, d) = post(client, "/api/v1/orders", body).await;
    assert_eq!(status, 201, "{d}");
    d
}

async fn count_where(app: &TestApp, table: &str, cond: &str) -> i64 {
    id_of(app, &format!("SELECT COUNT(*) FROM {table} WHERE {cond}")).await
}

/// Orders, lines, order audit entries and order events: what a refused
/// request must leave as it was.
async fn written(app: &TestApp) -> [i64; 4] {
    [
        app.count("sales_orders").await,
        app.count("sales_order_lines").await,
        count_where(app, "audit_log", "entity = 'sales_order'").await,
        count_where(app, "events", "topic = 'orders'").await,
    ]
}

/// A change to a good request body.
type Change = Box<dyn Fn(&mut Value)>;

on_both!(
    bad_input_names_the_field_and_writes_nothing,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let planner = app.login("planner").await;
        let before = written(&app).await;
        let good = order_body(&f);
        let cases: Vec<(&str, Change)> = vec![
            ("customer_id", Box::new(|b| b["customer_id"] = json!(0))),
            (
                "customer_id",
                Box::new(|b| b["customer_id"] = json!(987654)),
            ),
            (
                "customer_id",
                Box::new(|b| b["customer_id"] = json!("TST-TOYS")),
            ),
            (
                "due_date",
                Box::new(|b| b["due_date"] = json!("2026-02-30")),
            ),
            (
                "customer_ref",
                Box::new(|b| b["customer_ref"] = json!("x".repeat(61))),
            ),
            (
                "lines[0].item_id",
                Box::new(|b| b["lines"][0]["item_id"] = json!(987654)),
            ),
            (
                "lines[0].unit_price_minor",
                Box::new(|b| b["lines"][0]["unit_price_minor"] = json!(-1)),
            ),
            (
                "lines[0].cols_attribute",
                Box::new(|b| b["lines"][0]["cols_attribute"] = json!("fill")),
            ),
            (
                "lines[0].cells[4].qty",
                Box::new(|b| b["lines"][0]["cells"][4]["qty"] = json!("1.5")),
            ),
            (
                "lines[0].cells[4].qty",
                Box::new(|b| b["lines"][0]["cells"][4]["qty"] = json!("-4")),
            ),
            (
                "lines[0].cells[3].row",
                Box::new(|b| b["lines"][0]["cells"][3]["row"] = json!("green")),
            ),
            (
                "lines[0].cells[5]",
                Box::new(|b| b["lines"][0]["cells"][5] = cell("red", "S", "1")),
            ),
            (
                "lines[1].qty",
                Box::new(|b| b["lines"][1]["qty"] = json!("0")),
            ),
            (
                "lines[1].due_date",
                Box::new(|b| b["lines"][1]["due_date"] = json!("soon")),
            ),
            (
                "lines[1].cells",
                Box::new(|b| b["lines"][1]["cells"] = json!([cell("", "S", "1")])),
            ),
        ];
        for (field, change) in cases {
            let mut body = good.clone();
            change(&mut body);
            let (status, e) = post(&planner, "/api/v1/orders", body).await;
            assert_eq!(status, 422, "{field}: {e}");
            assert_eq!(e["field"], field, "{e}");
        }
        // A size the bear does not come in: the cell is named, and the sizes it does.
        let mut body = good.clone();
        body["lines"][0]["cells"][5] = cell("blue", "XXL", "3");
        let (status, e) = post(&planner, "/api/v1/orders", body).await;
        assert_eq!(
            (status, e["field"].as_str()),
            (422, Some("lines[0].cells[5].col"))
        );
        assert_eq!(e["detail"], "size may be S, M, L, XL, not XXL");
        // The same variant as a grid cell and again as a single line.
        let mut body = good.clone();
        body["lines"][1] =
            json!({ "item_id": f.bear, "variant_key": "size=M;colour=red", "qty": "1" });
        let (status, e) = post(&planner, "/api/v1/orders", body).await;
        assert_eq!(
            (status, e["field"].as_str()),
            (422, Some("lines[1].variant_key"))
        );
        assert!(
            e["detail"].as_str().unwrap().contains("lines[0].cells[1]"),
            "{e}"
        );
        // An archived customer.
        exec(
            &app,
            &format!(
                "UPDATE customers SET archived_at = 1 WHERE id = {}",
                f.other_customer
            ),
        )
        .await;
        let mut body = good.clone();
        body["customer_id"] = json!(f.other_customer);
        let (status, e) = post(&planner, "/api/v1/orders", body).await;
        assert_eq!((status, e["field"].as_str()), (422, Some("customer_id")));
        assert_eq!(written(&app).await, before, "nothing written");
        app.finish().await;
    }
);

on_both!(
    grid_is_stored_per_variant_and_read_back_with_totals,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let planner = app.login("planner").await;
        let d = create(&planner, order_body(&f)).await;
        let o = &d["order"];
        let id = o["id"].as_i64().unwrap();
        assert!(o["number"].as_str().unwrap().starts_with("SO-"), "{o}");
        assert_eq!(o["number"].as_str().unwrap().len(), "SO-2026-0001".len());
        assert_eq!(
            (o["status"].as_str(), o["version"].as_i64()),
            (Some("draft"), Some(1))
        );
        assert_eq!(o["next"], json!(["confirm", "cancel"]));
        // One stored line per non-zero cell, plus the ribbon.
        assert_eq!(
            count_where(&app, "sales_order_lines", &format!("order_id = {id}")).await,
            5
        );
        let keys: Vec<(String, String)> = o["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["variant_key"].as_str().unwrap().to_string(),
                    l["qty"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("colour=red;size=S", "10"),
                ("colour=red;size=M", "5"),
                ("colour=blue;size=M", "4"),
                ("colour=blue;size=XL", "2"),
                ("", "2.5"),
            ]
            .map(|(k, q)| (k.to_string(), q.to_string()))
        );
        // 21 bears at 15.00 and 2.5 m of ribbon at 0.80.
        assert_eq!(
            (o["total_qty"].as_str(), o["total_minor"].as_i64()),
            (Some("23.5"), Some(21 * 1500 + 200))
        );
        // Read back: the same grid, sizes across and colours down, with totals.
        let (status, d) = get(&planner, &format!("/api/v1/orders/{id}")).await;
        assert_eq!(status, 200);
        let g = &d["grids"].as_array().unwrap()[0];
        assert_eq!(
            d["grids"].as_array().unwrap().len(),
            1,
            "the ribbon has no grid"
        );
        assert_eq!(
            (g["rows_attribute"].as_str(), g["cols_attribute"].as_str()),
            (Some("colour"), Some("size"))
        );
        assert_eq!(g["rows"], json!(["red", "blue"]));
        assert_eq!(g["cols"], json!(["S", "M", "L", "XL"]));
        assert_eq!(
            g["cells"],
            json!([["10", "5", "0", "0"], ["0", "4", "0", "2"]])
        );
        assert_eq!(g["row_totals"], json!(["15", "6"]));
        assert_eq!(g["col_totals"], json!(["10", "9", "0", "2"]));
        assert_eq!(g["total"], "21");

        // PUT a new grid for the bear: its lines are replaced, the ribbon stays.
        let ribbon_line = count_where(
            &app,
            "sales_order_lines",
            &format!("order_id = {id} AND item_id = {}", f.ribbon),
        )
        .await;
        let mut grid = bear_grid(&f);
        grid["cells"] = json!([cell("blue", "L", "7"), cell("red", "S", "3")]);
        grid["version"] = json!(1);
        let (status, d) = put(
            &planner,
            &format!("/api/v1/orders/{id}/lines/grid"),
            None,
            grid.clone(),
        )
        .await;
        assert_eq!(status, 200, "{d}");
        assert_eq!(d["order"]["version"], 2);
        assert_eq!(
            d["grids"][0]["cells"],
            json!([["3", "0", "0", "0"], ["0", "0", "7", "0"]])
        );
        assert_eq!(d["grids"][0]["total"], "10");
        assert_eq!(d["order"]["total_qty"], "12.5");
        assert_eq!(
            count_where(&app, "sales_order_lines", &format!("order_id = {id}")).await,
            3
        );
        assert_eq!(ribbon_line, 1);
        // A size the bear does not come in, through the grid endpoint: the cell is named.
        grid["version"] = json!(2);
        grid["cells"] = json!([cell("red", "S", "1"), cell("red", "XXS", "1")]);
        let (status, e) = put(
            &planner,
            &format!("/api/v1/orders/{id}/lines/grid"),
            None,
            grid,
        )
        .await;
        assert_eq!(
            (status, e["field"].as_str()),
            (422, Some("cells[1].col")),
            "{e}"
        );
        assert_eq!(
            count_where(&app, "sales_order_lines", &format!("order_id = {id}")).await,
            3
        );

        // The list: filters by status, customer, due dates and text.
        let other = create(
            &planner,
            json!({ "customer_id": f.other_customer, "due_date": "2027-01-15", "lines": [] }),
        )
        .await;
        let list = |q: &'static str| {
            let planner = &planner;
            async move {
                let (status, p) = get(planner, &format!("/api/v1/orders?{q}")).await;
                assert_eq!(status, 200, "{q}: {p}");
                p["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        let other_id = other["order"]["id"].as_i64().unwrap();
        assert!(list("q=po-4471").await == vec![id]);
        assert!(list("q=gift%20barn").await == vec![other_id]);
        assert!(list("due_before=2026-12-31&q=tst").await.contains(&id));
        assert!(!list("due_after=2026-12-02").await.contains(&id));
        assert_eq!(
            list(&*format!("customer_id={}", f.other_customer).leak()).await,
            vec![other_id]
        );
        assert!(list("status=confirmed").await.is_empty());
        let (status, p) = get(&planner, "/api/v1/orders?limit=1&q=tst").await;
        assert_eq!(
            (
                status,
                p["total"].as_i64(),
                p["items"].as_array().unwrap().len()
            ),
            (200, Some(2), 1)
        );
        for (q, field) in [
            ("limit=201", "limit"),
            ("status=open", "status"),
            ("due_before=tomorrow", "due_before"),
            ("customer_id=x", "customer_id"),
        ] {
            let (status, e) = get(&planner, &format!("/api/v1/orders?{q}")).await;
            assert_eq!((status, e["field"].as_str()), (422, Some(field)), "{q}");
        }
        app.finish().await;
    }
);

on_both!(
    transitions_follow_the_lifecycle,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let planner = app.login("planner").await;
        let id = create(&planner, order_body(&f)).await["order"]["id"]
            .as_i64()
            .unwrap();
        let step = |s: &'static str| {
            let planner = &planner;
            async move { post(planner, &format!("/api/v1/orders/{id}/{s}"), json!({})).await }
        };
        let events_before = count_where(&app, "events", "topic = 'orders'").await;
        // Shipping a draft: 409 naming the state and the allowed next steps.
        let (status, e) = step("ship").await;
        assert_eq!(status, 409, "{e}");
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("draft") && msg.contains("confirm, cancel"),
            "{msg}"
        );
        let (status, e) = step("reopen").await;
        assert_eq!((status, e["field"].as_str()), (422, Some("action")));
        for (s, to, next) in [
            ("confirm", "confirmed", json!(["start", "cancel"])),
            ("start", "in_production", json!(["ship"])),
        ] {
            let (status, d) = step(s).await;
            assert_eq!(status, 200, "{s}: {d}");
            assert_eq!(
                (d["order"]["status"].as_str(), &d["order"]["next"]),
                (Some(to), &next)
            );
        }
        // In production: cancelling is refused, naming what is allowed.
        let (status, e) = step("cancel").await;
        assert_eq!(status, 409);
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("in_production") && msg.contains("ship"),
            "{msg}"
        );
        // And it can no longer be edited.
        let mut body = order_body(&f);
        body["version"] = json!(3);
        let (status, e) = put(&planner, &format!("/api/v1/orders/{id}"), None, body).await;
        assert_eq!(status, 409, "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("only draft and confirmed"),
            "{e}"
        );
        for s in ["ship", "close"] {
            assert_eq!(step(s).await.0, 200, "{s}");
        }
        let (status, e) = step("cancel").await;
        assert_eq!(status, 409);
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("closed order takes no further steps"),
            "{e}"
        );
        let (_, d) = get(&planner, &format!("/api/v1/orders/{id}")).await;
        assert_eq!(
            (
                d["order"]["status"].as_str(),
                d["order"]["version"].as_i64()
            ),
            (Some("closed"), Some(5))
        );
        assert_eq!(
            count_where(
                &app,
                "events",
                &format!("topic = 'orders' AND kind = 'transitioned' AND entity_id = {id}")
            )
            .await,
            4
        );
        assert_eq!(
            count_where(&app, "events", "topic = 'orders'").await,
            events_before + 4
        );
        assert_eq!(
            count_where(
                &app,
                "audit_log",
                &format!("entity = 'sales_order' AND entity_id = '{id}'")
            )
            .await,
            5
        );
        // A draft can be cancelled; an empty draft cannot be confirmed.
        let empty = create(
            &planner,
            json!({ "customer_id": f.customer, "due_date": "2026-12-01" }),
        )
        .await;
        let eid = empty["order"]["id"].as_i64().unwrap();
        let (status, e) = post(
            &planner,
            &format!("/api/v1/orders/{eid}/confirm"),
            json!({}),
        )
        .await;
        assert_eq!(status, 409);
        assert!(e["message"].as_str().unwrap().contains("no lines"), "{e}");
        let (status, d) = post(&planner, &format!("/api/v1/orders/{eid}/cancel"), json!({})).await;
        assert_eq!(
            (status, d["order"]["status"].as_str()),
            (200, Some("cancelled"))
        );
        assert_eq!(
            post(&planner, "/api/v1/orders/987654/confirm", json!({}))
                .await
                .0,
            404
        );
        app.finish().await;
    }
);

on_both!(
    confirm_pins_the_current_bom_and_freezes_it,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let planner = app.login("planner").await;
        let old = insert_bom(&app, f.bear, 1, false).await;
        let current = insert_bom(&app, f.bear, 2, true).await;
        let d = create(&planner, order_body(&f)).await;
        let id = d["order"]["id"].as_i64().unwrap();
        assert!(
            d["order"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["bom_id"].is_null()),
            "not pinned before confirming"
        );
        let (status, d) = post(&planner, &format!("/api/v1/orders/{id}/confirm"), json!({})).await;
        assert_eq!(status, 200, "{d}");
        for l in d["order"]["lines"].as_array().unwrap() {
            if l["item_id"] == f.bear {
                assert_eq!(
                    (l["bom_id"].as_i64(), l["bom_version"].as_i64()),
                    (Some(current), Some(2)),
                    "{l}"
                );
                assert_eq!(l["note"], "");
            } else {
                assert!(l["bom_id"].is_null(), "{l}");
                assert_eq!(l["note"], "no BOM: bought in");
            }
        }
        let frozen = |bom: i64| {
            let app = &app;
            async move {
                count_where(
                    app,
                    "boms",
                    &format!("id = {bom} AND frozen_at IS NOT NULL"),
                )
                .await
            }
        };
        assert_eq!((frozen(current).await, frozen(old).await), (1, 0));
        // A new BOM version becomes current; adding a variant to the confirmed
        // order keeps the version the order was confirmed with.
        exec(
            &app,
            &format!("UPDATE boms SET is_current = 0 WHERE id = {current}"),
        )
        .await;
        let newer = insert_bom(&app, f.bear, 3, true).await;
        let mut grid = bear_grid(&f);
        grid["cells"]
            .as_array_mut()
            .unwrap()
            .push(cell("blue", "L", "6"));
        grid["version"] = d["order"]["version"].clone();
        let (status, d) = put(
            &planner,
            &format!("/api/v1/orders/{id}/lines/grid"),
            None,
            grid,
        )
        .await;
        assert_eq!(status, 200, "{d}");
        let bear_boms: Vec<i64> = d["order"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["item_id"] == f.bear)
            .map(|l| l["bom_id"].as_i64().unwrap())
            .collect();
        assert_eq!(bear_boms, vec![current; 5]);
        assert_eq!(frozen(newer).await, 0);
        app.finish().await;
    }
);

on_both!(
    permissions_are_checked_per_role,
    |app: TestApp| async move {
        let f = fixture(&app).await;
        let planner = app.login("planner").await;
        let id = create(&planner, order_body(&f)).await["order"]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/orders/{id}");
        let mut edit = order_body(&f);
        edit["version"] = json!(1);
        let before = written(&app).await;
        // Operators and maintenance technicians do not see orders.
        for role in ["operator", "maintenance", "quality"] {
            let c = app.login(role).await;
            assert_eq!(get(&c, "/api/v1/orders").await.0, 403, "{role}");
            assert_eq!(get(&c, &path).await.0, 403, "{role}");
        }
        // Supervisors, warehouse and finance see them but change nothing.
        for role in ["supervisor", "warehouse", "finance"] {
            let c = app.login(role).await;
            assert_eq!(get(&c, "/api/v1/orders").await.0, 200, "{role}");
            assert_eq!(get(&c, &path).await.0, 200, "{role}");
            let (status, e) = post(&c, "/api/v1/orders", order_body(&f)).await;
            assert_eq!(
                (status, e["code"].as_str()),
                (403, Some("forbidden")),
                "{role}"
            );
            assert_eq!(put(&c, &path, None, edit.clone()).await.0, 403, "{role}");
            assert_eq!(
                post(&c, &format!("{path}/confirm"), json!({})).await.0,
                403,
                "{role}"
            );
            assert_eq!(
                post(&c, &format!("{path}/cancel"), json!({})).await.0,
                403,
                "{role}"
            );
        }
        assert_eq!(
            written(&app).await,
            before,
            "nothing written by refused requests"
        );
        // Signed out.
        let res = reqwest::Client::new()
            .get(app.url("/api/v1/orders"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        // Planners and admins may.
        let admin = app.login("admin").await;
        assert_eq!(put(&admin, &path, None, edit).await.0, 200);
        assert_eq!(
            post(&planner, &format!("{path}/confirm"), json!({}))
                .await
                .0,
            200
        );
        app.finish().await;
    }
);

on_both!(idempotent_retries_apply_once, |app: TestApp| async move {
    let f = fixture(&app).await;
    let planner = app.login("planner").await;
    let before = written(&app).await;
    let first = json(
        planner
            .post_idem("/api/v1/orders", "order-create-0001", order_body(&f))
            .await,
    )
    .await;
    let again = json(
        planner
            .post_idem("/api/v1/orders", "order-create-0001", order_body(&f))
            .await,
    )
    .await;
    assert_eq!(first.0, 201);
    assert_eq!(
        first.1["order"]["id"], again.1["order"]["id"],
        "the retry gets the first answer"
    );
    assert_eq!(first.1["order"]["number"], again.1["order"]["number"]);
    let after = written(&app).await;
    assert_eq!(after[0], before[0] + 1, "one order");
    assert_eq!(after[1], before[1] + 5, "its lines once");
    assert_eq!(after[3], before[3] + 1, "one event");
    // The same key for a different body is refused.
    let mut other = order_body(&f);
    other["customer_ref"] = json!("PO-9999");
    let (status, e) = json(
        planner
            .post_idem("/api/v1/orders", "order-create-0001", other)
            .await,
    )
    .await;
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("idempotency_key")),
        "{e}"
    );
    // Confirming twice with one key: one step, one event, the same answer.
    let id = first.1["order"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/orders/{id}/confirm");
    let a = json(
        planner
            .post_idem(&path, "order-confirm-0001", json!({}))
            .await,
    )
    .await;
    let b = json(
        planner
            .post_idem(&path, "order-confirm-0001", json!({}))
            .await,
    )
    .await;
    assert_eq!((a.0, b.0), (200, 200), "{}", b.1);
    assert_eq!(a.1, b.1);
    assert_eq!(a.1["order"]["version"], 2);
    assert_eq!(
        count_where(
            &app,
            "events",
            &format!("topic = 'orders' AND kind = 'transitioned' AND entity_id = {id}")
        )
        .await,
        1
    );
    // A new key is a new request: confirming a confirmed order is a conflict.
    let c = json(
        planner
            .post_idem(&path, "order-confirm-0002", json!({}))
            .await,
    )
    .await;
    assert_eq!(c.0, 409);
    app.finish().await;
});

on_both!(stale_versions_are_refused, |app: TestApp| async move {
    let f = fixture(&app).await;
    let planner = app.login("planner").await;
    let id = create(&planner, order_body(&f)).await["order"]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/orders/{id}");
    let mut body = order_body(&f);
    body["due_date"] = json!("2026-12-15");
    // No version: a field error.
    let (status, e) = put(&planner, &path, None, body.clone()).await;
    assert_eq!((status, e["field"].as_str()), (422, Some("version")));
    body["version"] = json!(1);
    let (status, d) = put(&planner, &path, Some("order-edit-0001"), body.clone()).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(
        (
            d["order"]["version"].as_i64(),
            d["order"]["due_date"].as_str()
        ),
        (Some(2), Some("2026-12-15"))
    );
    // Someone else's edit from version 1 now conflicts, naming the versions.
    body["due_date"] = json!("2026-12-20");
    let before = written(&app).await;
    let (status, e) = put(&planner, &path, None, body.clone()).await;
    assert_eq!(status, 409, "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("version 2") && msg.contains("version 1"),
        "{msg}"
    );
    let mut grid = bear_grid(&f);
    grid["version"] = json!(1);
    assert_eq!(
        put(&planner, &format!("{path}/lines/grid"), None, grid)
            .await
            .0,
        409
    );
    assert_eq!(written(&app).await, before);
    // The customer of a confirmed order stays; of a draft it may change.
    body["version"] = json!(2);
    body["customer_id"] = json!(f.other_customer);
    let (status, d) = put(&planner, &path, None, body.clone()).await;
    assert_eq!(
        (status, d["order"]["customer_code"].as_str()),
        (200, Some("TST-GIFTS")),
        "{d}"
    );
    assert_eq!(
        post(&planner, &format!("{path}/confirm"), json!({}))
            .await
            .0,
        200
    );
    body["version"] = json!(4);
    body["customer_id"] = json!(f.customer);
    let (status, e) = put(&planner, &path, None, body).await;
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("customer_id")),
        "{e}"
    );
    app.finish().await;
});
