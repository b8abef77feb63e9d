//! Seeding issue 8's benchmark database: the benchmark BOM's items and its
//! 1,023 BOMs through the real service (items::create, bom::create: each
//! checked and written with its idempotency record, audit entry and event),
//! then plain items up to 100,000 in all by SQL inserts, 10,000 per
//! transaction, with the columns of migrations/sqlite/0007_master.sql, then
//! their search index (service::master::search::index_missing).
//! A database seeded before is reused (what is there is not written again).

use crate::bom_tree::{self, ASSEMBLIES, RAWS, THREAD};
use domain::auth::CurrentUser;
use domain::bom::{BomInput, BomSaved};
use domain::master::{search_text, ItemInput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use std::collections::BTreeSet;
use std::time::Instant;

/// Items in the database once seeded (the BOM's included).
pub(crate) const ITEMS: i64 = 100_000;

const CATEGORIES: [(&str, &str, &str); 10] = [
    ("FAB", "fabric", "M"),
    ("THR", "thread", "M"),
    ("BTN", "button", "PCS"),
    ("ZIP", "zip", "PCS"),
    ("LBL", "label", "PCS"),
    ("BOX", "carton", "PCS"),
    ("FIL", "fibre fill", "KG"),
    ("EYE", "safety eye", "PCS"),
    ("TRM", "trim", "M"),
    ("TOY", "plush toy", "PCS"),
];
pub(crate) const MATERIALS: [&str; 12] = [
    "cotton",
    "polyester",
    "minky",
    "fleece",
    "velvet",
    "felt",
    "nylon",
    "linen",
    "organic",
    "recycled",
    "acrylic",
    "wool",
];
pub(crate) const COLOURS: [&str; 12] = [
    "navy", "white", "black", "brown", "pink", "red", "sky", "cream", "grey", "green", "yellow",
    "lilac",
];

pub(crate) struct Seeded {
    pub svc: service::Services,
    pub url: String,
    /// The row id of the current BOM of the top item.
    pub root_bom: i64,
}

fn admin(id: i64) -> CurrentUser {
    CurrentUser {
        id,
        username: "admin".into(),
        display_name: "Bench admin".into(),
        roles: vec!["admin".into()],
        permissions: domain::perm::default_grants("admin"),
        totp_enabled: false,
    }
}

async fn count(svc: &service::Services, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub(crate) async fn seed_bom(db_path: &str, admin_password: &str) -> Seeded {
    let url = format!("sqlite://{db_path}");
    std::fs::create_dir_all(std::path::Path::new(db_path).parent().unwrap()).unwrap();
    let mut config = service::Config::for_tests(&url);
    config.monitor_interval_ms = 1000;
    let svc = shopfloor::start_services(config, admin_password, true)
        .await
        .expect("seed base data");
    let started = Instant::now();
    let admin_id = count(&svc, "SELECT id FROM users WHERE username = 'admin'").await;
    let user = admin(admin_id);
    let have: BTreeSet<String> = sqlx::query("SELECT code FROM items")
        .fetch_all(&svc.db.read)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut wrote = false;
    // The BOM's items, through the service.
    let mut inputs = vec![ItemInput {
        code: THREAD.into(),
        name: "Bench sewing thread".into(),
        kind: "raw".into(),
        unit: "M".into(),
        standard_cost_minor: 3,
        attributes: vec![],
        embroidery_design: None,
    }];
    for k in 0..RAWS {
        inputs.push(ItemInput {
            code: bom_tree::raw_code(k),
            name: format!("Bench material {k}"),
            kind: "raw".into(),
            unit: bom_tree::raw_unit(k).into(),
            standard_cost_minor: bom_tree::raw_cost(k),
            attributes: vec![],
            embroidery_design: None,
        });
    }
    for n in 1..=ASSEMBLIES {
        inputs.push(ItemInput {
            code: bom_tree::assembly_code(n),
            name: format!("Bench assembly {n}"),
            kind: if n == 1 { "finished" } else { "component" }.into(),
            unit: "PCS".into(),
            standard_cost_minor: 0,
            attributes: vec![],
            embroidery_design: None,
        });
    }
    for i in inputs.iter().filter(|i| !have.contains(&i.code)) {
        service::master::items::create(&svc, &user, i, None, service::now_ms())
            .await
            .unwrap_or_else(|e| panic!("create item {}: {e}", i.code));
        wrote = true;
    }
    if wrote {
        println!(
            "created {} BOM items through the service in {:.1} s",
            inputs.len(),
            started.elapsed().as_secs_f64()
        );
    }
    // The BOMs, bottom level first, through the service.
    let t = Instant::now();
    let with_bom: BTreeSet<String> = sqlx::query(
        "SELECT i.code FROM boms b JOIN items i ON i.id = b.item_id WHERE b.is_current = 1",
    )
    .fetch_all(&svc.db.read)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    let mut made = 0;
    for n in (1..=ASSEMBLIES).rev() {
        if with_bom.contains(&bom_tree::assembly_code(n)) {
            continue;
        }
        let form = BomInput::from(&bom_tree::bom_of(n));
        match service::bom::create(&svc, &user, &form, None, service::now_ms()).await {
            Ok(BomSaved::Saved { .. }) => made += 1,
            Ok(BomSaved::Refused { issues }) => panic!("BOM {n} refused: {issues:?}"),
            Err(e) => panic!("BOM {n}: {e}"),
        }
    }
    if made > 0 {
        wrote = true;
        println!(
            "created {made} BOMs through the service in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    // Plain items up to ITEMS, by SQL.
    let t = Instant::now();
    let mut done = count(&svc, "SELECT COUNT(*) FROM items").await;
    let units: Vec<(String, i64)> = sqlx::query("SELECT code, id FROM units")
        .fetch_all(&svc.db.read)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let unit_id = |u: &str| units.iter().find(|x| x.0 == u).expect("demo unit").1;
    let mut rng = StdRng::seed_from_u64(8);
    // Above every serial used before (each earlier one was at most the
    // count then + 100,000).
    let mut serial = 100_000 + done;
    let now = service::now_ms();
    let before = done;
    while done < ITEMS {
        let mut tx = svc.db.begin().await.unwrap();
        for _ in 0..10_000.min(ITEMS - done) {
            serial += 1;
            let (cat, noun, unit) = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
            let code = format!("{cat}-{serial}");
            let name = format!(
                "{} {noun} {} {}",
                MATERIALS[rng.gen_range(0..MATERIALS.len())],
                COLOURS[rng.gen_range(0..COLOURS.len())],
                rng.gen_range(10..200) * 5
            );
            let kind = match cat {
                "TOY" => "finished",
                "LBL" | "BOX" => "component",
                _ => "raw",
            };
            sqlx::query(
                "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, \
                 embroidery_design_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '[]', NULL, $7, $7)",
            )
            .bind(&code)
            .bind(&name)
            .bind(search_text(&code, &name))
            .bind(kind)
            .bind(unit_id(unit))
            .bind(rng.gen_range(5..50_000i64))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
            done += 1;
        }
        tx.commit().await.unwrap();
    }
    if done > before {
        // Rows written by SQL: index them for search as the service does.
        let mut tx = svc.db.begin().await.unwrap();
        service::master::search::index_missing(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        wrote = true;
        println!(
            "inserted {} plain items by SQL in {:.1} s",
            done - before,
            t.elapsed().as_secs_f64()
        );
    }
    if wrote {
        sqlx::query("ANALYZE").execute(&svc.db.write).await.unwrap();
    } else {
        println!("reusing {db_path} ({done} items, {ASSEMBLIES} bench BOMs)");
    }
    let root_bom = count(
        &svc,
        "SELECT b.id FROM boms b JOIN items i ON i.id = b.item_id WHERE i.code = 'BA-0001' AND b.is_current = 1",
    )
    .await;
    Seeded { svc, url, root_bom }
}

/// A search term as someone types it: a word of a name, a code prefix, or
/// two words.
pub(crate) fn search_term(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..4) {
        0 => MATERIALS[rng.gen_range(0..MATERIALS.len())].to_string(),
        1 => COLOURS[rng.gen_range(0..COLOURS.len())].to_string(),
        2 => {
            let (cat, _, _) = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
            format!("{}-1{}", cat.to_lowercase(), rng.gen_range(0..10))
        }
        _ => format!(
            "{} {}",
            MATERIALS[rng.gen_range(0..MATERIALS.len())],
            ["fabric", "thread", "button", "zip", "label"][rng.gen_range(0..5)]
        ),
    }
}
