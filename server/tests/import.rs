//! CSV import of items and BOMs over real HTTP, on SQLite and PostgreSQL:
//! a dry run reports every bad row and column and writes nothing; a commit
//! writes every row (with audit entries and events) or nothing; BOMs go
//! through the BOM save (multi-level, follow rules, cycles through the file,
//! new versions of BOMs orders use); permissions; idempotent retries; bad
//! bodies answered 4xx. The demo plant has units PCS, M and KG.

mod common;

use common::*;
use serde_json::Value;

const ITEMS: &str = "/api/v1/import-export/items";
const BOMS: &str = "/api/v1/import-export/boms";

/// POSTs `body` as `content_type`, with `query` and an idempotency key.
async fn send(
    c: &ApiClient,
    path: &str,
    query: &str,
    key: Option<&str>,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut r = c
        .http
        .post(format!("{}{}{}", c.base, path, query))
        .bearer_auth(&c.token)
        .header("Content-Type", content_type)
        .body(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    json(r.send().await.unwrap()).await
}

async fn csv(
    c: &ApiClient,
    path: &str,
    query: &str,
    key: Option<&str>,
    text: &str,
) -> (u16, Value) {
    send(
        c,
        path,
        query,
        key,
        "text/csv; charset=utf-8",
        text.to_string(),
    )
    .await
}

/// The rows that could change: items, BOMs, audit entries, events, keys.
async fn footprint(app: &TestApp) -> [i64; 5] {
    [
        app.count("items").await,
        app.count("boms").await,
        app.count("audit_log").await,
        app.count("events").await,
        app.count("idempotency_keys").await,
    ]
}

/// `(row, field)` of each problem in a 422's report.
fn problems(v: &Value) -> Vec<(i64, String)> {
    v["report"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no report: {v}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn message_at(v: &Value, row: i64, field: &str) -> String {
    v["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["row"] == row && e["field"] == field)
        .unwrap_or_else(|| panic!("no problem at row {row} {field}: {v}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A POST declaring `len` bytes of CSV and sending none, over a raw
/// connection (a client still writing a refused body may find its pipe
/// closed before it reads the answer).
async fn oversized_post(c: &ApiClient, path: &str, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = c.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: text/csv\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        c.token
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

async fn item_by_code(c: &ApiClient, code: &str) -> Value {
    let (s, page) = json(c.get(&format!("/api/v1/master/items?q={code}")).await).await;
    assert_eq!(s, 200, "{page}");
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no item {code}: {page}"))
}

const TOY_ITEMS: &str = "code,name,kind,unit,standard_cost_minor,attributes\n\
    X-BEAR,Bear,finished,PCS,0,size=S|M; colour=red|blue\n\
    X-BODY,Bear body,component,PCS,0,colour=red|blue\n\
    X-FABRIC,Plush,raw,M,500,colour=red|blue\n\
    X-EYE,Eye,raw,PCS,10,\n\
    X-STUFF,Stuffing,raw,KG,800,\n";

on_both!(
    items_dry_run_then_commit_then_update,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let before = footprint(&app).await;

        // The default is a dry run: a report, nothing written.
        let (s, r) = csv(&admin, ITEMS, "", None, TOY_ITEMS).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (&r["dry_run"], &r["rows"], &r["created"], &r["updated"]),
            (
                &Value::Bool(true),
                &Value::from(5),
                &Value::from(5),
                &Value::from(0)
            )
        );
        assert_eq!(r["errors"], serde_json::json!([]));
        assert_eq!(footprint(&app).await, before, "a dry run writes nothing");

        // The commit writes each item, an audit entry per item and one for the
        // import, an event per item, and the key.
        let (s, r) = csv(
            &admin,
            ITEMS,
            "?dry_run=false",
            Some("import-items-1"),
            TOY_ITEMS,
        )
        .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["dry_run"].as_bool(), r["created"].as_i64()),
            (Some(false), Some(5))
        );
        let after = footprint(&app).await;
        assert_eq!(
            after,
            [
                before[0] + 5,
                before[1],
                before[2] + 6,
                before[3] + 5,
                before[4] + 1
            ]
        );
        let bear = item_by_code(&admin, "X-BEAR").await;
        assert_eq!(bear["kind"], "finished");
        assert_eq!(bear["unit"], "PCS");
        assert_eq!(
            bear["attributes"][0],
            serde_json::json!({"name": "size", "values": ["S", "M"]})
        );
        assert_eq!(
            bear["attributes"][1]["values"],
            serde_json::json!(["red", "blue"])
        );
        assert_eq!(
            item_by_code(&admin, "X-FABRIC").await["standard_cost_minor"],
            500
        );

        // A second file updates by code; columns it leaves out keep their values.
        let update = "CODE,Name,Kind,Unit\nx-fabric,Plush fur,raw,M\nX-NEW,New thing,raw,PCS\n";
        let (s, r) = csv(&admin, ITEMS, "?dry_run=false", None, update).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["updated"].as_i64()),
            (Some(1), Some(1))
        );
        let fabric = item_by_code(&admin, "X-FABRIC").await;
        assert_eq!(fabric["name"], "Plush fur");
        assert_eq!(fabric["standard_cost_minor"], 500);
        assert_eq!(
            fabric["attributes"][0]["values"],
            serde_json::json!(["red", "blue"])
        );
        assert_eq!(fabric["version"], 2);
        let new = item_by_code(&admin, "X-NEW").await;
        assert_eq!(
            (
                new["standard_cost_minor"].as_i64(),
                new["attributes"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0))
        );
        app.finish().await;
    }
);

on_both!(
    bad_file_reports_every_row_and_writes_nothing,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let file = "code,name,kind,unit,standard_cost_minor,attributes,embroidery_design\n\
        X-1,,toy,PCS,-5,size=S|S,\n\
        X-2,Good name,raw,NOPE,10,,\n\
        X-3,Fine,raw,PCS,1,,\n\
        x-3,Twice,raw,PCS,1,,\n\
        X-4,Short row,raw\n\
        X-5,Cost,raw,PCS,12.50,colour,D-NONE\n\
        X-6,All good,raw,KG,7,,\n";
        let before = footprint(&app).await;
        let expected: Vec<(i64, String)> = [
            (2, "name"),
            (2, "kind"),
            (2, "standard_cost_minor"),
            (2, "attributes"),
            (3, "unit"),
            (5, "code"),
            (6, "row"),
            (7, "standard_cost_minor"),
            (7, "attributes"),
        ]
        .iter()
        .map(|(r, f)| (*r, f.to_string()))
        .collect();
        for query in ["?dry_run=true", "?dry_run=false"] {
            let (s, v) = csv(&admin, ITEMS, query, Some("bad-file-key"), file).await;
            assert_eq!(s, 422, "{query}: {v}");
            assert_eq!(v["code"], "invalid");
            let mut got = problems(&v);
            got.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(got, want, "{query}: {v}");
            assert_eq!(v["report"]["rows"], 7);
            assert_eq!(message_at(&v, 2, "attributes"), "size: S is listed twice");
            assert_eq!(message_at(&v, 3, "unit"), "there is no unit NOPE");
            assert!(message_at(&v, 5, "code").contains("row 4"));
            assert_eq!(v["field"], "name", "the first problem is named: {v}");
            assert_eq!(footprint(&app).await, before, "{query} wrote something");
        }
        // The design is checked against the database once the row reads.
        let (s, v) = csv(
            &admin,
            ITEMS,
            "",
            None,
            "code,name,kind,unit,embroidery_design\nX-7,Seven,raw,PCS,D-NONE\n",
        )
        .await;
        assert_eq!(
            (s, problems(&v)),
            (422, vec![(2, "embroidery_design".to_string())])
        );
        // Header problems name the column, at row 1.
        let (s, v) = csv(
            &admin,
            ITEMS,
            "",
            None,
            "code,name,colour,unit\nX-8,n,red,PCS\n",
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(
            problems(&v),
            vec![(1, "colour".to_string()), (1, "kind".to_string())]
        );
        assert_eq!(footprint(&app).await, before);
        app.finish().await;
    }
);

/// The toy's items, imported.
async fn toy_items(app: &TestApp, c: &ApiClient) {
    let (s, r) = csv(c, ITEMS, "?dry_run=false", None, TOY_ITEMS).await;
    assert_eq!(s, 200, "{r}");
    let _ = app;
}

on_both!(
    two_level_bom_with_a_follow_rule,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        toy_items(&app, &admin).await;
        let w = app.login("warehouse").await;
        let file = "parent,component,qty_per,scrap_percent,follows\n\
        X-BEAR,X-BODY,1,,colour\n\
        X-BEAR,X-EYE,2,5,\n\
        X-BEAR,X-STUFF,size: S=0.1|M=0.2,,\n\
        X-BODY,X-FABRIC,0.5,10,colour\n";
        let before = footprint(&app).await;
        let (s, r) = csv(&w, BOMS, "", None, file).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["rows"].as_i64(), r["created"].as_i64()),
            (Some(4), Some(2))
        );
        assert_eq!(footprint(&app).await, before, "a dry run writes nothing");

        let (s, r) = csv(&w, BOMS, "?dry_run=false", Some("boms-key-1"), file).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["created"], 2);
        let after = footprint(&app).await;
        // Two BOMs; an audit entry and an event each (as the BOM editor's
        // saves write them), the import's audit entry and the key.
        assert_eq!(
            after,
            [
                before[0],
                before[1] + 2,
                before[2] + 3,
                before[3] + 2,
                before[4] + 1
            ]
        );
        let (_, page) = json(w.get("/api/v1/warehouse/bom?q=X-BEAR").await).await;
        let bear = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["item"] == "X-BEAR")
            .unwrap_or_else(|| panic!("{page}"))["id"]
            .as_i64()
            .unwrap();
        let (s, v) = json(w.get(&format!("/api/v1/warehouse/bom/{bear}")).await).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            v["form"]["lines"][0]["attrs"][0]["source"]["parent_attribute"],
            "colour"
        );
        assert_eq!(v["form"]["lines"][1]["scrap_bp"], 500);
        // Two blue size-M bears: body and fabric follow the colour, stuffing the size.
        let (s, ex) = json(
            w.get(&format!(
                "/api/v1/warehouse/bom/{bear}/explode?qty=2&variant=colour%3Dblue%3Bsize%3DM"
            ))
            .await,
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
                .unwrap_or_else(|| panic!("no {code}: {ex}"))
        };
        assert_eq!(
            (
                req("X-BODY")["variant"].clone(),
                req("X-BODY")["made"].clone()
            ),
            (Value::from("colour=blue"), Value::Bool(true))
        );
        assert_eq!(
            (
                req("X-FABRIC")["variant"].clone(),
                req("X-FABRIC")["total_qty"].clone()
            ),
            (Value::from("colour=blue"), Value::from("1.1"))
        );
        assert_eq!(req("X-EYE")["total_qty"], "4.2");
        assert_eq!(req("X-STUFF")["total_qty"], "0.4");
        // The same file again changes nothing: no revision, audit or event.
        let (s, r) = csv(&w, BOMS, "?dry_run=false", Some("boms-key-2"), file).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["updated"].as_i64()),
            (Some(0), Some(0))
        );
        let again = footprint(&app).await;
        // Only the import's own audit entry and its key.
        assert_eq!(
            again,
            [after[0], after[1], after[2] + 1, after[3], after[4] + 1],
            "{r}"
        );
        let (_, v2) = json(w.get(&format!("/api/v1/warehouse/bom/{bear}")).await).await;
        assert_eq!(v2["revision"], v["revision"]);
        app.finish().await;
    }
);

on_both!(
    bom_problems_and_cycles_through_the_file,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        toy_items(&app, &admin).await;
        let w = app.login("warehouse").await;
        let before = footprint(&app).await;
        // X-BODY → X-FABRIC → X-BEAR → X-BODY: the third BOM closes the loop.
        let file = "parent,component,qty_per,scrap_percent,follows,fixed\n\
        X-BODY,X-FABRIC,1,,colour,\n\
        X-FABRIC,X-BEAR,1,,,colour=red;size=M\n\
        X-BEAR,X-BODY,1,,colour,\n\
        X-BEAR,X-NOPE,0,abc,,\n\
        X-BEAR,X-EYE,1,,size,\n\
        X-BEAR,X-STUFF,-1,,,\n\
        bad code!,X-EYE,1,xyz,,\n";
        for query in ["", "?dry_run=false"] {
            let (s, v) = csv(&w, BOMS, query, None, file).await;
            assert_eq!(s, 422, "{v}");
            let loop_msg = message_at(&v, 4, "component");
            assert_eq!(
                loop_msg,
                "the bill of materials loops: X-BEAR → X-BODY → X-FABRIC → X-BEAR"
            );
            assert!(
                problems(&v).contains(&(5, "scrap_percent".to_string())),
                "{v}"
            );
            assert_eq!(message_at(&v, 6, "follows"), "X-EYE has no attribute size");
            assert!(problems(&v).contains(&(7, "qty_per".to_string())), "{v}");
            // Every bad value of a row, not only the first: row 5's scrap
            // does not read, and its component and quantity are still
            // checked; row 8's parent does not read, and its scrap is still
            // checked.
            assert_eq!(message_at(&v, 5, "component"), "there is no item X-NOPE");
            assert_eq!(message_at(&v, 5, "qty_per"), "must be more than zero");
            let row = |n: i64| -> Vec<String> {
                let mut f: Vec<String> = problems(&v)
                    .into_iter()
                    .filter(|(r, _)| *r == n)
                    .map(|(_, f)| f)
                    .collect();
                f.sort();
                f
            };
            assert_eq!(row(5), ["component", "qty_per", "scrap_percent"], "{v}");
            assert_eq!(row(8), ["parent", "scrap_percent"], "{v}");
            assert_eq!(footprint(&app).await, before, "{query} wrote something");
        }
        // The save's own findings: an unknown component or parent, a zero
        // quantity.
        let file = "parent,component,qty_per\nX-BEAR,X-NOPE,1\nX-BEAR,X-EYE,0\nX-NOPE,X-EYE,1\n";
        let (s, v) = csv(&w, BOMS, "", None, file).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(message_at(&v, 2, "component"), "there is no item X-NOPE");
        assert_eq!(message_at(&v, 3, "qty_per"), "must be more than zero");
        assert_eq!(message_at(&v, 4, "parent"), "there is no item X-NOPE");
        // A fixed rule that does not read does not hide a follows rule
        // naming an attribute the component lacks.
        let file = "parent,component,qty_per,follows,fixed\nX-BEAR,X-EYE,1,size,colour\n";
        let (s, v) = csv(&w, BOMS, "", None, file).await;
        assert_eq!(s, 422, "{v}");
        let mut fields: Vec<String> = problems(&v).into_iter().map(|(_, f)| f).collect();
        fields.sort();
        assert_eq!(fields, ["fixed", "follows"], "{v}");
        assert_eq!(footprint(&app).await, before);
        app.finish().await;
    }
);

on_both!(
    a_bom_an_order_uses_gets_a_new_version,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        toy_items(&app, &admin).await;
        let w = app.login("warehouse").await;
        let (s, r) = csv(
            &w,
            BOMS,
            "?dry_run=false",
            None,
            "parent,component,qty_per,follows\nX-BODY,X-FABRIC,0.5,colour\n",
        )
        .await;
        assert_eq!(s, 200, "{r}");
        let body_item: i64 = sqlx::query_scalar("SELECT id FROM items WHERE code = 'X-BODY'")
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap();
        let mut tx = app.svc.db.begin().await.unwrap();
        let (v1, _) = service::bom::current_bom_for_item(&mut tx, body_item)
            .await
            .unwrap()
            .unwrap();
        service::bom::freeze(&mut tx, v1, 1_000).await.unwrap();
        tx.commit().await.unwrap();

        let (s, r) = csv(
            &w,
            BOMS,
            "?dry_run=false",
            None,
            "parent,component,qty_per,follows\nX-BODY,X-FABRIC,0.6,colour\n",
        )
        .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["updated"].as_i64()),
            (Some(0), Some(1))
        );
        let (_, old) = json(w.get(&format!("/api/v1/warehouse/bom/{v1}")).await).await;
        assert_eq!(
            (old["version"].as_i64(), old["is_current"].as_bool()),
            (Some(1), Some(false)),
            "{old}"
        );
        assert_eq!(
            old["form"]["lines"][0]["qty"]["qty"], "0.5",
            "the order's version is kept"
        );
        let (_, versions) =
            json(w.get(&format!("/api/v1/warehouse/bom/{v1}/versions")).await).await;
        assert_eq!(versions.as_array().map(Vec::len), Some(2), "{versions}");
        app.finish().await;
    }
);

on_both!(
    permissions_are_those_of_what_is_written,
    |app: TestApp| async move {
        let planner = app.login("planner").await;
        let w = app.login("warehouse").await;
        let before = footprint(&app).await;
        for (c, path, file) in [
            (&planner, ITEMS, TOY_ITEMS),
            (&w, ITEMS, TOY_ITEMS),
            (&planner, BOMS, "parent,component,qty_per\nFOO,BAR,1\n"),
        ] {
            for query in ["", "?dry_run=false"] {
                let (s, v) = csv(c, path, query, None, file).await;
                assert_eq!(
                    (s, v["code"].as_str()),
                    (403, Some("forbidden")),
                    "{path}{query}: {v}"
                );
            }
        }
        assert_eq!(footprint(&app).await, before);
        // Signed out.
        let res = reqwest::Client::new()
            .post(app.url(ITEMS))
            .header("Content-Type", "text/csv")
            .body(TOY_ITEMS)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        app.finish().await;
    }
);

on_both!(
    a_retried_commit_is_applied_once,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let before = footprint(&app).await;
        let (s1, r1) = csv(
            &admin,
            ITEMS,
            "?dry_run=false",
            Some("retry-key-0001"),
            TOY_ITEMS,
        )
        .await;
        let once = footprint(&app).await;
        let (s2, r2) = csv(
            &admin,
            ITEMS,
            "?dry_run=false",
            Some("retry-key-0001"),
            TOY_ITEMS,
        )
        .await;
        assert_eq!((s1, s2), (200, 200), "{r1} {r2}");
        assert_eq!(r1, r2, "the retry gets the first answer");
        assert_eq!(r2["created"], 5, "not 'updated': it was not applied again");
        assert_eq!(footprint(&app).await, once);
        assert_eq!(once[0], before[0] + 5);
        // The key with another file is refused.
        let (s, v) = csv(
            &admin,
            ITEMS,
            "?dry_run=false",
            Some("retry-key-0001"),
            "code,name,kind,unit\nX-Z,z,raw,PCS\n",
        )
        .await;
        assert_eq!(
            (s, v["field"].as_str()),
            (422, Some("idempotency_key")),
            "{v}"
        );
        assert_eq!(footprint(&app).await, once);
        app.finish().await;
    }
);

on_both!(bad_bodies_are_4xx_never_5xx, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let before = footprint(&app).await;
    // Not CSV.
    let (s, v) = send(&admin, ITEMS, "", None, "application/json", "{}").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (415, Some("unsupported_media_type")),
        "{v}"
    );
    assert!(
        v["message"].as_str().unwrap().contains("application/json"),
        "{v}"
    );
    // Too large (over 5 MB): 413 on the declared length, before the body.
    let (s, v) = oversized_post(&admin, ITEMS, 5 * 1024 * 1024 + 1).await;
    assert_eq!((s, v["code"].as_str()), (413, Some("too_large")), "{v}");
    // Too many rows.
    let mut many = String::from("code,name,kind,unit\n");
    for i in 0..20_001 {
        many.push_str(&format!("X{i},n,raw,PCS\n"));
    }
    let (s, v) = csv(&admin, ITEMS, "?dry_run=false", None, &many).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("body")), "{v}");
    // Not UTF-8, empty, garbage, a bad parameter.
    let (s, v) = send(
        &admin,
        ITEMS,
        "",
        None,
        "text/csv",
        vec![0xff, 0xfe, 0x00, 0x41],
    )
    .await;
    assert_eq!((s, v["field"].as_str()), (422, Some("body")), "{v}");
    let (s, v) = csv(&admin, BOMS, "", None, "").await;
    assert_eq!((s, v["field"].as_str()), (422, Some("body")), "{v}");
    let (s, v) = csv(
        &admin,
        BOMS,
        "?dry_run=false",
        None,
        "\"unclosed,\"\"\n\u{1}\u{2},x\n",
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = csv(&admin, ITEMS, "?dry_run=maybe", None, TOY_ITEMS).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("dry_run")), "{v}");
    assert_eq!(footprint(&app).await, before);
    app.finish().await;
});
