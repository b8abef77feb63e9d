//! The import screen's server functions (`/sfn/import-export/{items,boms}`),
//! called as the browser calls them (JSON, the session cookie), on SQLite
//! and PostgreSQL: a file with problems answers its report (every problem at
//! its row and column) and writes nothing; a clean commit writes once per
//! key; the CSV may be larger than other server functions' bodies (up to
//! 5 MB of text), and no larger; permissions are the service's; the
//! screen's templates import cleanly into the demo plant.

mod common;

use common::*;
use reqwest::header::CONTENT_TYPE;
use reqwest::Client;
use serde_json::{json, Value};

const ITEMS: &str = "/sfn/import-export/items";
const BOMS: &str = "/sfn/import-export/boms";

/// Signs in through the REST API; the session cookie (`name=value`).
async fn cookie_for(app: &TestApp, username: &str) -> String {
    let pw = if username == "admin" {
        ADMIN_PASSWORD
    } else {
        DEMO_PASSWORD
    };
    let res = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set = res.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

/// Calls an import server function as the screen does.
async fn import(
    app: &TestApp,
    cookie: &str,
    path: &str,
    key: &str,
    text: &str,
    dry_run: bool,
) -> (u16, Value) {
    let body = json!({"idempotency_key": key, "text": text, "dry_run": dry_run});
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

/// The rows an import could write: items, BOMs, audit entries, events, keys.
async fn footprint(app: &TestApp) -> [i64; 5] {
    [
        app.count("items").await,
        app.count("boms").await,
        app.count("audit_log").await,
        app.count("events").await,
        app.count("idempotency_keys").await,
    ]
}

fn problems(r: &Value) -> Vec<(i64, String)> {
    r["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no report: {r}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const BAD_ITEMS: &str = "code,name,kind,unit,attributes\n\
    S-BEAR,Bear,finished,PCS,size=S|M\n\
    S-FUR,Fur,cloth,M,\n\
    S-EYE,Eye,raw,NOPE,\n";

const GOOD_ITEMS: &str = "code,name,kind,unit,attributes\n\
    S-BEAR,Bear,finished,PCS,size=S|M\n\
    S-FUR,Fur,raw,M,\n\
    S-EYE,Eye,raw,PCS,\n";

on_both!(
    problems_are_a_report_and_a_clean_commit_writes_once,
    |app: TestApp| async move {
        let admin = cookie_for(&app, "admin").await;
        let before = footprint(&app).await;

        // A dry run and a commit of a file with problems: 200, every problem
        // at its row and column, nothing written.
        for dry_run in [true, false] {
            let (s, r) = import(&app, &admin, ITEMS, "sfn-import-bad", BAD_ITEMS, dry_run).await;
            assert_eq!(s, 200, "{r}");
            assert_eq!(r["dry_run"], dry_run);
            assert_eq!(r["rows"], 3);
            assert_eq!(
                problems(&r),
                vec![(3, "kind".to_string()), (4, "unit".to_string())]
            );
            assert_eq!(footprint(&app).await, before, "dry_run={dry_run}");
        }

        // The fixed file: a clean dry run, then the commit, applied once.
        let (s, r) = import(&app, &admin, ITEMS, "sfn-import-dry", GOOD_ITEMS, true).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!((&r["created"], &r["errors"]), (&json!(3), &json!([])));
        assert_eq!(footprint(&app).await, before);
        let (s, first) = import(&app, &admin, ITEMS, "sfn-import-go", GOOD_ITEMS, false).await;
        assert_eq!(s, 200, "{first}");
        assert_eq!(
            (&first["dry_run"], &first["created"]),
            (&json!(false), &json!(3))
        );
        let after = footprint(&app).await;
        assert_eq!(after[0], before[0] + 3);
        let (s, again) = import(&app, &admin, ITEMS, "sfn-import-go", GOOD_ITEMS, false).await;
        assert_eq!((s, &again), (200, &first), "a retry gets the first answer");
        assert_eq!(footprint(&app).await, after, "and writes nothing more");

        // BOMs of the new items, by the warehouse (which may not import items).
        let wh = cookie_for(&app, "warehouse").await;
        let bom = "parent,component,qty_per,scrap_percent\nS-BEAR,S-FUR,size: S=0.2|M=0.3,5\nS-BEAR,S-EYE,2,\n";
        let (s, r) = import(&app, &wh, BOMS, "sfn-bom-dry", bom, true).await;
        assert_eq!(
            (s, &r["created"], &r["errors"]),
            (200, &json!(1), &json!([])),
            "{r}"
        );
        let boms = app.count("boms").await;
        let (s, r) = import(&app, &wh, BOMS, "sfn-bom-go", bom, false).await;
        assert_eq!((s, &r["created"]), (200, &json!(1)), "{r}");
        assert_eq!(app.count("boms").await, boms + 1);
        let items = app.count("items").await;
        let (s, r) = import(&app, &wh, ITEMS, "sfn-wh-items", GOOD_ITEMS, true).await;
        assert_eq!((s, &r["code"]), (403, &json!("forbidden")), "{r}");
        assert_eq!(app.count("items").await, items);
        app.finish().await;
    }
);

on_both!(
    files_up_to_five_megabytes_pass_and_larger_ones_are_refused,
    |app: TestApp| async move {
        let admin = cookie_for(&app, "admin").await;
        let before = footprint(&app).await;

        // 3 MB of text (more than other server functions take), quotes
        // doubling it in JSON: read, and each too-long name reported.
        let long = "\"\"".repeat(125_000);
        let mut text = String::from("code,name,kind,unit\n");
        for i in 0..12 {
            text.push_str(&format!("BIG-{i},\"{long}\",raw,PCS\n"));
        }
        assert!(text.len() > 2_900_000 && text.len() < domain::import::MAX_BYTES);
        let (s, r) = import(&app, &admin, ITEMS, "sfn-import-big", &text, true).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["rows"], 12);
        let fields: Vec<String> = problems(&r).into_iter().map(|(_, f)| f).collect();
        assert_eq!(fields, vec!["name".to_string(); 12]);

        // Over 5 MB: refused at the body, naming it; nothing written.
        let huge = format!(
            "code,name,kind,unit\n{}",
            "a".repeat(domain::import::MAX_BYTES)
        );
        let (s, r) = import(&app, &admin, ITEMS, "sfn-import-huge", &huge, false).await;
        assert_eq!(s, 422, "{r}");
        assert!(r.to_string().contains("larger than"), "{r}");
        assert_eq!(footprint(&app).await, before);
        app.finish().await;
    }
);

on_both!(
    the_screens_templates_import_cleanly,
    |app: TestApp| async move {
        use app::import_export::formats::Kind;
        let admin = cookie_for(&app, "admin").await;
        let items = Kind::Items.template();
        let (s, r) = import(&app, &admin, ITEMS, "sfn-tpl-items", items, false).await;
        assert_eq!((s, &r["errors"]), (200, &json!([])), "{r}");
        assert_eq!(r["created"], 3);
        let boms = Kind::Boms.template();
        let (s, r) = import(&app, &admin, BOMS, "sfn-tpl-boms", boms, true).await;
        assert_eq!((s, &r["errors"]), (200, &json!([])), "{r}");
        assert_eq!(r["created"], 1);
        app.finish().await;
    }
);
