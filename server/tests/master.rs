//! Master data over real HTTP, on SQLite and on PostgreSQL: CRUD with bad
//! input per entity (the field named, nothing written), unique codes,
//! version conflicts, archiving refused while referenced, search and
//! paging, permissions, idempotent retries, events, the design file.

mod common;

use common::*;
use reqwest::Response;
use serde_json::{json, Value};

const API: &str = "/api/v1/master";

impl ApiClient {
    async fn put_json(&self, path: &str, body: Value) -> Response {
        self.http
            .put(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

async fn ok(res: Response, want: u16) -> Value {
    let (status, body) = json(res).await;
    assert_eq!(status, want, "{body}");
    body
}

/// A refused request: its status, and the field it names.
async fn refused(res: Response, want: u16, field: &str) -> Value {
    let (status, body) = json(res).await;
    assert_eq!(status, want, "{body}");
    assert_eq!(body["field"], field, "{body}");
    body
}

async fn master_events(app: &TestApp) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM events WHERE topic = 'master'")
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

fn bear(code: &str) -> Value {
    json!({
        "code": code, "name": "Teddy bear, 30 cm", "kind": "finished", "unit": "box",
        "standard_cost_minor": 1250,
        "attributes": [
            {"name": "size", "values": ["S", "M", "L"]},
            {"name": "colour", "values": ["brown", "white"]}
        ]
    })
}

on_both!(
    units_and_items_crud_with_bad_input,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let unit = ok(
            admin
                .post(
                    &format!("{API}/units"),
                    json!({"code": "box", "name": "box"}),
                )
                .await,
            201,
        )
        .await;
        assert_eq!(unit["code"], "BOX");
        assert_eq!(unit["version"], 1);
        let units = app.count("units").await;
        refused(
            admin
                .post(
                    &format!("{API}/units"),
                    json!({"code": "BOX", "name": "other box"}),
                )
                .await,
            422,
            "code",
        )
        .await;
        refused(
            admin
                .post(&format!("{API}/units"), json!({"code": "CTN", "name": " "}))
                .await,
            422,
            "name",
        )
        .await;
        assert_eq!(app.count("units").await, units);

        // Items: created with attributes; bad input names the field, writes nothing.
        let item = ok(
            admin.post(&format!("{API}/items"), bear("tx-30")).await,
            201,
        )
        .await;
        assert_eq!(item["code"], "TX-30");
        assert_eq!(item["unit"], "BOX");
        assert_eq!(item["attributes"][1]["values"][1], "white");
        let items = app.count("items").await;
        let mut bad = bear("TB-31");
        bad["unit"] = json!("parsec");
        refused(admin.post(&format!("{API}/items"), bad).await, 422, "unit").await;
        let mut bad = bear("TB-31");
        bad["attributes"][0]["values"] = json!(["S", "S"]);
        refused(
            admin.post(&format!("{API}/items"), bad).await,
            422,
            "attributes[0].values[1]",
        )
        .await;
        let mut bad = bear("TB-31");
        bad["kind"] = json!("service");
        refused(admin.post(&format!("{API}/items"), bad).await, 422, "kind").await;
        let mut bad = bear("TB-31");
        bad["standard_cost_minor"] = json!(-1);
        refused(
            admin.post(&format!("{API}/items"), bad).await,
            422,
            "standard_cost_minor",
        )
        .await;
        refused(
            admin.post(&format!("{API}/items"), bear("TX-30")).await,
            422,
            "code",
        )
        .await;
        assert_eq!(app.count("items").await, items);

        // Get, edit with the version read, and a stale edit answered 409.
        let id = item["id"].as_i64().unwrap();
        let got = ok(admin.get(&format!("{API}/items/{id}")).await, 200).await;
        assert_eq!(got, item);
        let mut edit = bear("TX-30");
        edit["name"] = json!("Teddy bear, 30 cm, plush");
        edit["version"] = json!(1);
        let edited = ok(
            admin
                .put_json(&format!("{API}/items/{id}"), edit.clone())
                .await,
            200,
        )
        .await;
        assert_eq!(edited["version"], 2);
        assert_eq!(edited["name"], "Teddy bear, 30 cm, plush");
        let (status, body) = json(admin.put_json(&format!("{API}/items/{id}"), edit).await).await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("version 2"),
            "{body}"
        );
        let (status, _) = json(admin.get(&format!("{API}/items/999999")).await).await;
        assert_eq!(status, 404);

        // Conversions: 1 roll = 50 m; the same unit twice is refused on `to`.
        for (code, name) in [("rl", "roll"), ("mt", "metre")] {
            ok(
                admin
                    .post(&format!("{API}/units"), json!({"code": code, "name": name}))
                    .await,
                201,
            )
            .await;
        }
        let c = ok(
            admin
                .post(
                    &format!("{API}/units/conversions"),
                    json!({"from": "RL", "to": "MT", "factor": "50"}),
                )
                .await,
            200,
        )
        .await;
        assert_eq!(
            (c["from"].as_str(), c["factor"].as_str()),
            (Some("RL"), Some("50"))
        );
        let all = ok(admin.get(&format!("{API}/units/conversions")).await, 200).await;
        assert!(all
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["from"] == "RL" && c["to"] == "MT"));
        refused(
            admin
                .post(
                    &format!("{API}/units/conversions"),
                    json!({"from": "MT", "to": "MT", "factor": "1"}),
                )
                .await,
            422,
            "to",
        )
        .await;
        refused(
            admin
                .post(
                    &format!("{API}/units/conversions"),
                    json!({"from": "MT", "to": "RL", "factor": "0.02"}),
                )
                .await,
            422,
            "to",
        )
        .await;
        app.finish().await;
    }
);

on_both!(
    archiving_is_refused_while_referenced,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        ok(
            admin
                .post(
                    &format!("{API}/units"),
                    json!({"code": "box", "name": "box"}),
                )
                .await,
            201,
        )
        .await;
        let unit_id = app_id(&app, "units", "BOX").await;
        let style = ok(
            admin.post(&format!("{API}/items"), bear("TB-40")).await,
            201,
        )
        .await;
        let mut fur = bear("FUR-1");
        fur["kind"] = json!("raw");
        fur["attributes"] = json!([{"name": "colour", "values": ["brown", "white"]}]);
        let fur = ok(admin.post(&format!("{API}/items"), fur).await, 201).await;

        // A unit used by active items cannot be archived; the message names them.
        let (status, body) = json(
            admin
                .post(&format!("{API}/units/{unit_id}/archive"), json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("TB-40"),
            "{body}"
        );

        // A BOM of TB-40 uses FUR-1: FUR-1 cannot be archived, nor lose a colour.
        let (style_id, fur_id) = (style["id"].as_i64().unwrap(), fur["id"].as_i64().unwrap());
        sqlx::query(
        "INSERT INTO boms (item_id, version, is_current, body, created_at, updated_at) VALUES ($1, 1, 1, '{}', 0, 0)",
    )
    .bind(style_id)
    .execute(&app.svc.db.write)
    .await
    .unwrap();
        sqlx::query(
        "INSERT INTO bom_components (bom_id, component_item_id) SELECT id, $1 FROM boms WHERE item_id = $2",
    )
    .bind(fur_id)
    .bind(style_id)
    .execute(&app.svc.db.write)
    .await
    .unwrap();
        let (status, body) = json(
            admin
                .post(&format!("{API}/items/{fur_id}/archive"), json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("TB-40"),
            "{body}"
        );
        let mut edit = bear("FUR-1");
        edit["kind"] = json!("raw");
        edit["attributes"] = json!([{"name": "colour", "values": ["brown"]}]);
        edit["version"] = json!(1);
        let body = refused(
            admin
                .put_json(&format!("{API}/items/{fur_id}"), edit.clone())
                .await,
            422,
            "attributes",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("colour white"),
            "{body}"
        );
        assert!(body["detail"].as_str().unwrap().contains("TB-40"), "{body}");
        // Adding a value is fine.
        edit["attributes"] = json!([{"name": "colour", "values": ["brown", "white", "pink"]}]);
        ok(
            admin.put_json(&format!("{API}/items/{fur_id}"), edit).await,
            200,
        )
        .await;

        // The style itself is not used by a BOM: archived, hidden from the list,
        // listed with include_archived, and restored.
        let archived = ok(
            admin
                .post(&format!("{API}/items/{style_id}/archive"), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(archived["archived"], true);
        let page = ok(admin.get(&format!("{API}/items?q=tb-40")).await, 200).await;
        assert_eq!(page["total"], 0);
        let page = ok(
            admin
                .get(&format!("{API}/items?q=tb-40&include_archived=true"))
                .await,
            200,
        )
        .await;
        assert_eq!(page["total"], 1);
        let restored = ok(
            admin
                .post(&format!("{API}/items/{style_id}/restore"), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(restored["archived"], false);

        // A work centre with an active machine cannot be archived.
        ok(
            admin
                .post(&format!("{API}/work-centres"), work_centre("QC"))
                .await,
            201,
        )
        .await;
        ok(
            admin
                .post(
                    &format!("{API}/machines"),
                    json!({"code": "QC-01", "name": "Light table", "work_centre": "qc"}),
                )
                .await,
            201,
        )
        .await;
        let wc = app_id(&app, "work_centres", "QC").await;
        let (status, body) = json(
            admin
                .post(&format!("{API}/work-centres/{wc}/archive"), json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("QC-01"),
            "{body}"
        );
        let m = app_id(&app, "machines", "QC-01").await;
        let machine = ok(
            admin
                .post(&format!("{API}/machines/{m}/archive"), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(machine["archived"], true);
        ok(
            admin
                .post(&format!("{API}/work-centres/{wc}/archive"), json!({}))
                .await,
            200,
        )
        .await;
        // An archived work centre cannot be given to a machine.
        refused(
            admin
                .post(
                    &format!("{API}/machines"),
                    json!({"code": "QC-02", "name": "Light table 2", "work_centre": "QC"}),
                )
                .await,
            422,
            "work_centre",
        )
        .await;
        app.finish().await;
    }
);

async fn app_id(app: &TestApp, table: &str, code: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT id FROM {table} WHERE code = $1"))
        .bind(code)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

fn work_centre(code: &str) -> Value {
    json!({
        "code": code, "name": "Sewing lines", "kind": "sewing",
        "calendar": {
            "minutes_per_weekday": [480, 480, 480, 480, 300, 0, 0],
            "day_start_minute": 420,
            "holidays": ["2026-03-04"],
            "closures": [{"start": "2026-03-03T06:00:00Z", "end": "2026-03-03T07:00:00Z"}]
        },
        "parallel_capacity": 4,
        "labour_rate_minor_per_hour": 4500
    })
}

on_both!(
    work_centre_calendar_and_capacity,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let before = app.count("work_centres").await;
        let holidays = app.count("work_centre_holidays").await;
        let mut bad = work_centre("SEWX");
        bad["calendar"]["minutes_per_weekday"][0] = json!(1500);
        refused(
            admin.post(&format!("{API}/work-centres"), bad).await,
            422,
            "calendar.minutes_per_weekday[0]",
        )
        .await;
        let mut bad = work_centre("SEWX");
        bad["calendar"]["holidays"] = json!(["2026-02-30"]);
        refused(
            admin.post(&format!("{API}/work-centres"), bad).await,
            422,
            "calendar.holidays[0]",
        )
        .await;
        let mut bad = work_centre("SEWX");
        bad["parallel_capacity"] = json!(0);
        refused(
            admin.post(&format!("{API}/work-centres"), bad).await,
            422,
            "parallel_capacity",
        )
        .await;
        assert_eq!(app.count("work_centres").await, before);
        assert_eq!(app.count("work_centre_holidays").await, holidays);

        let wc = ok(
            admin
                .post(&format!("{API}/work-centres"), work_centre("sewx"))
                .await,
            201,
        )
        .await;
        assert_eq!(wc["calendar"]["holidays"], json!(["2026-03-04"]));
        assert_eq!(
            wc["calendar"]["closures"][0]["start"],
            "2026-03-03T06:00:00.000Z"
        );
        assert_eq!(wc["parallel_capacity"], 4);
        let id = wc["id"].as_i64().unwrap();

        // Plant time is UTC+2 (Africa/Johannesburg): the shift runs 05:00–13:00 UTC.
        let days = ok(
            admin
                .get(&format!(
                    "{API}/work-centres/{id}/capacity?from=2026-03-02&days=7"
                ))
                .await,
            200,
        )
        .await;
        let open: Vec<i64> = days
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["open_minutes"].as_i64().unwrap())
            .collect();
        assert_eq!(open, [480, 420, 0, 480, 300, 0, 0]);
        assert_eq!(days[0]["capacity_minutes"], 1920);
        assert_eq!(days[1]["date"], "2026-03-03");
        refused(
            admin
                .get(&format!("{API}/work-centres/{id}/capacity?from=2026-3-2"))
                .await,
            422,
            "from",
        )
        .await;
        refused(
            admin
                .get(&format!(
                    "{API}/work-centres/{id}/capacity?from=2026-03-02&days=400"
                ))
                .await,
            422,
            "days",
        )
        .await;

        // Editing replaces the calendar's holidays and closures.
        let mut edit = work_centre("SEWX");
        edit["calendar"]["holidays"] = json!([]);
        edit["calendar"]["closures"] = json!([]);
        edit["version"] = json!(1);
        let edited = ok(
            admin
                .put_json(&format!("{API}/work-centres/{id}"), edit)
                .await,
            200,
        )
        .await;
        assert_eq!(edited["calendar"]["holidays"], json!([]));
        assert_eq!(edited["version"], 2);
        app.finish().await;
    }
);

on_both!(search_and_pagination, |app: TestApp| async move {
    let admin = app.login("admin").await;
    for (code, name) in [
        ("ZA-1", "Alpha Toys"),
        ("ZA-2", "Bravo Bears"),
        ("ZA-3", "Charlie plush"),
        ("ZB-1", "Delta Bears Ltd"),
        ("ZB-2", "Echo 50%_off"),
    ] {
        ok(
            admin
                .post(
                    &format!("{API}/customers"),
                    json!({"code": code, "name": name}),
                )
                .await,
            201,
        )
        .await;
    }
    let codes = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect()
    };
    let page = ok(admin.get(&format!("{API}/customers?q=za")).await, 200).await;
    assert_eq!(codes(&page), ["ZA-1", "ZA-2", "ZA-3"]);
    // A word of the name, any case; not the middle of a word.
    let page = ok(admin.get(&format!("{API}/customers?q=BEARS")).await, 200).await;
    assert_eq!(codes(&page), ["ZA-2", "ZB-1"]);
    let page = ok(admin.get(&format!("{API}/customers?q=ears")).await, 200).await;
    assert_eq!(page["total"], 0);
    // LIKE's wildcards are plain characters.
    let page = ok(admin.get(&format!("{API}/customers?q=50%25_")).await, 200).await;
    assert_eq!(codes(&page), ["ZB-2"]);
    let page = ok(admin.get(&format!("{API}/customers?q=%25")).await, 200).await;
    assert_eq!(page["total"], 0);
    // Pages: total counts every match.
    let page = ok(
        admin
            .get(&format!("{API}/customers?q=z&limit=2&offset=2"))
            .await,
        200,
    )
    .await;
    assert_eq!(codes(&page), ["ZA-3", "ZB-1"]);
    assert_eq!(
        (page["total"].as_i64(), page["limit"].as_i64()),
        (Some(5), Some(2))
    );
    refused(
        admin.get(&format!("{API}/customers?limit=500")).await,
        422,
        "limit",
    )
    .await;
    refused(
        admin.get(&format!("{API}/customers?offset=x")).await,
        422,
        "offset",
    )
    .await;
    refused(
        admin
            .get(&format!("{API}/customers?include_archived=maybe"))
            .await,
        422,
        "include_archived",
    )
    .await;
    app.finish().await;
});

on_both!(parties_and_machines, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let before = app.count("suppliers").await;
    refused(
        admin
            .post(
                &format!("{API}/suppliers"),
                json!({"code": "FAB", "name": "Fabric Co", "email": "nobody"}),
            )
            .await,
        422,
        "email",
    )
    .await;
    refused(
        admin
            .post(
                &format!("{API}/suppliers"),
                json!({"code": "FAB", "name": "Fabric Co", "lead_time_days": 999}),
            )
            .await,
        422,
        "lead_time_days",
    )
    .await;
    assert_eq!(app.count("suppliers").await, before);
    let s = ok(
        admin
            .post(
                &format!("{API}/suppliers"),
                json!({"code": "fab", "name": "Fabric Co", "email": "sales@fabric.example", "lead_time_days": 21}),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(
        (s["code"].as_str(), s["lead_time_days"].as_i64()),
        (Some("FAB"), Some(21))
    );
    let id = s["id"].as_i64().unwrap();
    let edited = ok(
        admin
            .put_json(
                &format!("{API}/suppliers/{id}"),
                json!({"version": 1, "code": "FAB", "name": "Fabric Co", "lead_time_days": 14, "phone": "+27 21 555 0101"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            edited["lead_time_days"].as_i64(),
            edited["version"].as_i64()
        ),
        (Some(14), Some(2))
    );
    let c = ok(
        admin
            .post(
                &format!("{API}/customers"),
                json!({"code": "toyco", "name": "ToyCo", "address": "1 Main Rd\nCape Town"}),
            )
            .await,
        201,
    )
    .await;
    let cid = c["id"].as_i64().unwrap();
    refused(
        admin
            .put_json(
                &format!("{API}/customers/{cid}"),
                json!({"version": 1, "code": "FAB!", "name": "ToyCo"}),
            )
            .await,
        422,
        "code",
    )
    .await;

    // Machines: embroidery figures together; the alias lists the new one.
    let before = app.count("machines").await;
    ok(
        admin
            .post(&format!("{API}/work-centres"), work_centre("EMBX"))
            .await,
        201,
    )
    .await;
    refused(
        admin
            .post(
                &format!("{API}/machines"),
                json!({"code": "EMBX-1", "name": "Tajima", "work_centre": "EMBX", "heads": 6}),
            )
            .await,
        422,
        "stitches_per_minute",
    )
    .await;
    refused(
        admin
            .post(
                &format!("{API}/machines"),
                json!({"code": "EMBX-1", "name": "Tajima", "work_centre": "NOPE"}),
            )
            .await,
        422,
        "work_centre",
    )
    .await;
    assert_eq!(app.count("machines").await, before);
    let m = ok(
        admin
            .post(
                &format!("{API}/machines"),
                json!({"code": "embx-1", "name": "Tajima 6-head", "work_centre": "EMBX", "stitches_per_minute": 800, "heads": 6}),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(
        (m["heads"].as_i64(), m["work_centre"].as_str()),
        (Some(6), Some("EMBX"))
    );
    let alias = ok(admin.get("/api/v1/maintenance/machines").await, 200).await;
    assert!(alias
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["code"] == "EMBX-1"));
    let found = ok(admin.get(&format!("{API}/machines?q=tajima")).await, 200).await;
    assert!(found["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["code"] == "EMBX-1"));
    // Machines added through the old path are searchable too.
    ok(
        admin
            .post(
                "/api/v1/maintenance/machines",
                json!({"code": "OLD-9", "name": "Old press"}),
            )
            .await,
        201,
    )
    .await;
    let found = ok(admin.get(&format!("{API}/machines?q=press")).await, 200).await;
    assert!(found["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["code"] == "OLD-9"));
    refused(
        admin
            .post(
                &format!("{API}/machines"),
                json!({"code": "EMBX-1", "name": "Again"}),
            )
            .await,
        422,
        "code",
    )
    .await;
    app.finish().await;
});

on_both!(embroidery_design_and_its_file, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let design = json!({
        "code": "nose-1", "name": "Bear nose", "stitch_count": 12000, "colour_changes": 3,
        "thread_colours": ["black", "brown"], "hoop": "h10"
    });
    let designs = app.count("embroidery_designs").await;
    let mut bad = design.clone();
    bad["stitch_count"] = json!(0);
    refused(
        admin.post(&format!("{API}/embroidery-designs"), bad).await,
        422,
        "stitch_count",
    )
    .await;
    let mut bad = design.clone();
    bad["name"] = json!("");
    refused(
        admin.post(&format!("{API}/embroidery-designs"), bad).await,
        422,
        "name",
    )
    .await;
    assert_eq!(app.count("embroidery_designs").await, designs);
    let d = ok(
        admin
            .post(&format!("{API}/embroidery-designs"), design)
            .await,
        201,
    )
    .await;
    assert_eq!(
        (d["code"].as_str(), d["hoop"].as_str()),
        (Some("NOSE-1"), Some("H10"))
    );
    assert_eq!(d["file"], Value::Null);
    let id = d["id"].as_i64().unwrap();
    let url = |p: &str| format!("{}{API}/embroidery-designs/{id}{p}", admin.base);

    let bytes: Vec<u8> = (0..2048u32).map(|i| (i % 251) as u8).collect();
    let res = admin
        .http
        .put(url("/file?file_name=bear%20nose.dst"))
        .bearer_auth(&admin.token)
        .header("content-type", "application/octet-stream")
        .header("idempotency-key", "design-file-0001")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    let d = ok(res, 200).await;
    assert_eq!(d["file"]["size_bytes"], 2048);
    assert_eq!(d["file"]["file_name"], "bear_nose.dst");
    assert_eq!(d["version"], 2);

    let res = admin
        .get(&format!("{API}/embroidery-designs/{id}/file"))
        .await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"bear_nose.dst\""
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);

    // Too large: 413 on the declared length, before any body is read;
    // nothing stored. (Over a raw connection: a client still writing a body
    // the server has refused may find its pipe closed before it reads the
    // answer.) No Content-Type: 422 naming it.
    let files = app.count("attachments").await;
    let (status, body) = oversized_put(
        &admin.base,
        &format!("{API}/embroidery-designs/{id}/file"),
        &admin.token,
        5 * 1024 * 1024 + 1,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["code"], "too_large");
    let res = admin
        .http
        .put(url("/file"))
        .bearer_auth(&admin.token)
        .body(vec![1u8; 10])
        .send()
        .await
        .unwrap();
    refused(res, 422, "content_type").await;
    assert_eq!(app.count("attachments").await, files);
    let (status, _) = json(
        admin
            .get(&format!("{API}/embroidery-designs/999999/file"))
            .await,
    )
    .await;
    assert_eq!(status, 404);

    // An item carries the design; the design cannot be archived while it does.
    ok(
        admin
            .post(
                &format!("{API}/units"),
                json!({"code": "box", "name": "box"}),
            )
            .await,
        201,
    )
    .await;
    let mut item = bear("TB-50");
    item["embroidery_design"] = json!("nose-1");
    let item = ok(admin.post(&format!("{API}/items"), item).await, 201).await;
    assert_eq!(item["embroidery_design"], "NOSE-1");
    let (status, body) = json(
        admin
            .post(&format!("{API}/embroidery-designs/{id}/archive"), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("TB-50"),
        "{body}"
    );
    app.finish().await;
});

on_both!(permissions_retries_and_events, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let operator = app.login("operator").await;
    let planner = app.login("planner").await;
    let maintenance = app.login("maintenance").await;
    ok(
        admin
            .post(
                &format!("{API}/units"),
                json!({"code": "box", "name": "box"}),
            )
            .await,
        201,
    )
    .await;
    let item = ok(
        admin.post(&format!("{API}/items"), bear("TB-60")).await,
        201,
    )
    .await;
    let id = item["id"].as_i64().unwrap();

    // Operators and planners may look, not change.
    ok(operator.get(&format!("{API}/items")).await, 200).await;
    ok(planner.get(&format!("{API}/items/{id}")).await, 200).await;
    let items = app.count("items").await;
    for (who, res) in [
        (
            "operator",
            operator.post(&format!("{API}/items"), bear("TB-61")).await,
        ),
        (
            "planner",
            planner.post(&format!("{API}/items"), bear("TB-61")).await,
        ),
        (
            "operator",
            operator
                .post(
                    &format!("{API}/customers"),
                    json!({"code": "C", "name": "C"}),
                )
                .await,
        ),
    ] {
        assert_eq!(res.status(), 403, "{who}");
    }
    let mut edit = bear("TB-60");
    edit["version"] = json!(1);
    assert_eq!(
        planner
            .put_json(&format!("{API}/items/{id}"), edit)
            .await
            .status(),
        403
    );
    assert_eq!(
        operator
            .post(&format!("{API}/items/{id}/archive"), json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(app.count("items").await, items);
    // Maintenance technicians keep the machine list.
    ok(
        maintenance
            .post(
                &format!("{API}/machines"),
                json!({"code": "PR-1", "name": "Press"}),
            )
            .await,
        201,
    )
    .await;
    // Without a session: 401.
    let res = reqwest::get(app.url(&format!("{API}/items")))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // A retry with the same key writes once and answers the same.
    let events = master_events(&app).await;
    let first = ok(
        admin
            .post_idem(&format!("{API}/items"), "retry-key-0001", bear("TB-62"))
            .await,
        201,
    )
    .await;
    let again = ok(
        admin
            .post_idem(&format!("{API}/items"), "retry-key-0001", bear("TB-62"))
            .await,
        201,
    )
    .await;
    assert_eq!(first, again);
    assert_eq!(app.count("items").await, items + 1);
    assert_eq!(master_events(&app).await, events + 1);
    // The same key for another request is refused, naming the key.
    refused(
        admin
            .post_idem(&format!("{API}/items"), "retry-key-0001", bear("TB-63"))
            .await,
        422,
        "idempotency_key",
    )
    .await;
    // Edits and archives record events too, with the new version.
    let id = first["id"].as_i64().unwrap();
    ok(
        admin
            .post(&format!("{API}/items/{id}/archive"), json!({}))
            .await,
        200,
    )
    .await;
    use sqlx::Row;
    let row = sqlx::query(
        "SELECT version, kind FROM events WHERE topic = 'master' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&app.svc.db.read)
    .await
    .unwrap();
    assert_eq!(row.try_get::<i64, _>(0).unwrap(), 2);
    assert_eq!(row.try_get::<String, _>(1).unwrap(), "updated");
    app.finish().await;
});

/// A PUT that declares `len` bytes of body and sends none; the status and
/// JSON body of the answer.
async fn oversized_put(base: &str, path: &str, token: &str, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("the server answers before the body arrives")
        .unwrap();
    let text = String::from_utf8_lossy(&buf);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// The codes a search of `entity` finds (`q` percent-encoded here).
async fn search(c: &ApiClient, entity: &str, q: &str, archived: bool) -> Vec<String> {
    let q: String = q
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let page = ok(
        c.get(&format!(
            "{API}/{entity}?q={q}&include_archived={archived}&limit=200"
        ))
        .await,
        200,
    )
    .await;
    let codes: Vec<String> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(page["total"].as_i64(), Some(codes.len() as i64), "{page}");
    codes
}

async fn tails_of(app: &TestApp, entity: &str, code: &str) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "SELECT t.tail FROM search_tails t JOIN {entity} x ON x.id = t.record_id \
         WHERE t.entity = '{entity}' AND x.code = $1 ORDER BY t.tail"
    ))
    .bind(code)
    .fetch_all(&app.svc.db.read)
    .await
    .unwrap()
}

on_both!(
    search_index_follows_every_write,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        // The demo plant, seeded by SQL, is indexed.
        assert_eq!(
            search(&admin, "items", "teddy", false).await,
            ["BEAR-BODY", "TB-30"]
        );
        assert_eq!(
            search(&admin, "machines", "tajima", false).await,
            ["EMB-01"]
        );
        assert_eq!(search(&admin, "units", "kilo", false).await, ["KG"]);
        assert_eq!(search(&admin, "work-centres", "sew", false).await, ["SEW"]);
        assert_eq!(search(&admin, "customers", "kids", false).await, ["KIDSCO"]);
        assert_eq!(
            search(&admin, "suppliers", "notions", false).await,
            ["TRIMS"]
        );
        assert_eq!(
            tails_of(&app, "items", "TB-30").await,
            [
                "bear, classic",
                "classic",
                "tb-30 teddy bear, classic",
                "teddy bear, classic"
            ]
        );

        let item = |code: &str, name: &str| json!({"code": code, "name": name, "kind": "raw", "unit": "M", "standard_cost_minor": 5, "attributes": []});
        let mut ids = std::collections::HashMap::new();
        for (code, name) in [
            ("SRCH-1", "Cotton fabric, navy 50%_off"),
            ("SRCH-2", "Cotton thread navy"),
            ("XSRCH-3", "Navy cotton felt"),
        ] {
            let r = ok(
                admin.post(&format!("{API}/items"), item(code, name)).await,
                201,
            )
            .await;
            ids.insert(code, r["id"].as_i64().unwrap());
        }
        // A code prefix; a later word, any case; not the middle of a word.
        assert_eq!(
            search(&admin, "items", "srch", false).await,
            ["SRCH-1", "SRCH-2"]
        );
        assert_eq!(
            search(&admin, "items", "NAVY", false).await,
            ["SRCH-1", "SRCH-2", "XSRCH-3"]
        );
        assert_eq!(
            search(&admin, "items", "avy", false).await,
            Vec::<String>::new()
        );
        // Several words, across code and name and punctuation.
        assert_eq!(
            search(&admin, "items", "cotton fabric, n", false).await,
            ["SRCH-1"]
        );
        assert_eq!(
            search(&admin, "items", "srch-2 cotton thr", false).await,
            ["SRCH-2"]
        );
        assert_eq!(
            search(&admin, "items", "navy cotton", false).await,
            ["XSRCH-3"]
        );
        assert_eq!(
            search(&admin, "items", "cotton navy", false).await,
            Vec::<String>::new()
        );
        // LIKE's wildcards are plain characters.
        assert_eq!(search(&admin, "items", "50%_", false).await, ["SRCH-1"]);
        assert_eq!(
            search(&admin, "items", "50__", false).await,
            Vec::<String>::new()
        );
        assert_eq!(
            search(&admin, "items", "%", false).await,
            Vec::<String>::new()
        );
        assert_eq!(
            search(&admin, "items", "_off", false).await,
            Vec::<String>::new()
        );

        // An edit of code and name: the old words no longer find it, the new ones do.
        let mut edit = item("ZSRCH-2", "Spun yarn");
        edit["version"] = json!(1);
        ok(
            admin
                .put_json(&format!("{API}/items/{}", ids["SRCH-2"]), edit)
                .await,
            200,
        )
        .await;
        assert_eq!(search(&admin, "items", "srch", false).await, ["SRCH-1"]);
        assert_eq!(
            search(&admin, "items", "navy", false).await,
            ["SRCH-1", "XSRCH-3"]
        );
        assert_eq!(
            search(&admin, "items", "zsrch-2 spun y", false).await,
            ["ZSRCH-2"]
        );
        assert_eq!(search(&admin, "items", "yarn", false).await, ["ZSRCH-2"]);
        assert_eq!(
            search(&admin, "items", "cotton thread", false).await,
            Vec::<String>::new()
        );

        // Archived: found only with include_archived; restored: found again.
        ok(
            admin
                .post(&format!("{API}/items/{}/archive", ids["SRCH-1"]), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(search(&admin, "items", "navy", false).await, ["XSRCH-3"]);
        assert_eq!(
            search(&admin, "items", "navy", true).await,
            ["SRCH-1", "XSRCH-3"]
        );
        ok(
            admin
                .post(&format!("{API}/items/{}/restore", ids["SRCH-1"]), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(
            search(&admin, "items", "navy", false).await,
            ["SRCH-1", "XSRCH-3"]
        );

        // The CSV import: a new item, and an existing one renamed.
        let file =
            "code,name,kind,unit\nIMP-1,Imported navy linen,raw,M\nSRCH-1,Renamed linen,raw,M\n";
        let res = admin
            .http
            .post(format!(
                "{}/api/v1/import-export/items?dry_run=false",
                admin.base
            ))
            .bearer_auth(&admin.token)
            .header("Content-Type", "text/csv; charset=utf-8")
            .body(file)
            .send()
            .await
            .unwrap();
        ok(res, 200).await;
        assert_eq!(
            search(&admin, "items", "navy", false).await,
            ["IMP-1", "XSRCH-3"]
        );
        assert_eq!(
            search(&admin, "items", "linen", false).await,
            ["IMP-1", "SRCH-1"]
        );
        assert_eq!(
            search(&admin, "items", "cotton fabric", false).await,
            Vec::<String>::new()
        );
        assert_eq!(
            tails_of(&app, "items", "SRCH-1").await,
            ["linen", "renamed linen", "srch-1 renamed linen"]
        );

        // A row written by plain SQL has no tails until the index is caught up
        // at start (after the migrations).
        sqlx::query(
        "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, \
         created_at, updated_at) SELECT 'RAW-1', 'Raw navy wool', 'raw-1 raw navy wool', 'raw', id, 0, '[]', 0, 0 \
         FROM units WHERE code = 'M'",
    )
    .execute(&app.svc.db.write)
    .await
    .unwrap();
        assert_eq!(
            search(&admin, "items", "wool", false).await,
            Vec::<String>::new()
        );
        let again = service::Db::connect(&app.db_url).await.unwrap();
        again.write.close().await;
        again.read.close().await;
        assert_eq!(search(&admin, "items", "wool", false).await, ["RAW-1"]);
        assert_eq!(
            search(&admin, "items", "navy", false).await,
            ["IMP-1", "RAW-1", "XSRCH-3"]
        );
        assert_eq!(
            tails_of(&app, "items", "RAW-1").await,
            ["navy wool", "raw navy wool", "raw-1 raw navy wool", "wool"]
        );
        // Nothing else was missing, and a second start finds nothing to do.
        let tails = app.count("search_tails").await;
        let again = service::Db::connect(&app.db_url).await.unwrap();
        again.write.close().await;
        again.read.close().await;
        assert_eq!(app.count("search_tails").await, tails);
        app.finish().await;
    }
);
