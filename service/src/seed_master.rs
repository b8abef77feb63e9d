//! The demo plant's master data: units and conversions, work centres with
//! calendars and capacity, machines, an embroidery design, items (a teddy
//! bear style in sizes × colours and its materials), customers, suppliers.
//! Written in the demo seed's transaction, before any machine exists.

use crate::db::Tx;
use crate::error::{DbContext, Result};
use domain::master::search_text;

/// (code, name, kind, parallel capacity, labour rate per hour, Mon–Sun minutes)
type WorkCentreSeed = (&'static str, &'static str, &'static str, i64, i64, [i64; 7]);
const WORK_CENTRES: &[WorkCentreSeed] = &[
    (
        "CUT",
        "Cutting",
        "CUTTING",
        2,
        3800,
        [480, 480, 480, 480, 480, 0, 0],
    ),
    (
        "EMB",
        "Embroidery",
        "EMBROIDERY",
        2,
        4200,
        [480, 480, 480, 480, 480, 240, 0],
    ),
    (
        "SEW",
        "Sewing",
        "SEWING",
        4,
        3600,
        [480, 480, 480, 480, 420, 0, 0],
    ),
    (
        "STUFF",
        "Stuffing",
        "STUFFING",
        2,
        3200,
        [480, 480, 480, 480, 420, 0, 0],
    ),
    (
        "FIN",
        "Finishing",
        "FINISHING",
        2,
        3200,
        [480, 480, 480, 480, 420, 0, 0],
    ),
    (
        "PACK",
        "Packing",
        "PACKING",
        1,
        3000,
        [480, 480, 480, 480, 420, 0, 0],
    ),
];

/// (code, name, work centre, stitches per minute and heads for embroidery)
type MachineSeed = (&'static str, &'static str, &'static str, Option<(i64, i64)>);
const MACHINES: &[MachineSeed] = &[
    ("CUT-01", "Gerber automatic cutter", "CUT", None),
    ("CUT-02", "Straight knife cutter", "CUT", None),
    ("EMB-01", "Tajima 6-head embroidery", "EMB", Some((800, 6))),
    ("EMB-02", "Barudan 6-head embroidery", "EMB", Some((800, 6))),
    ("SEW-01", "Juki lockstitch line 1", "SEW", None),
    ("SEW-02", "Juki lockstitch line 2", "SEW", None),
    ("SEW-03", "Overlocker bank", "SEW", None),
    ("SEW-04", "Juki lockstitch line 4", "SEW", None),
    ("STUFF-01", "Fibre stuffing machine", "STUFF", None),
    ("FIN-01", "Steam tunnel", "FIN", None),
    ("FIN-02", "Thread trimmer", "FIN", None),
    ("PACK-01", "Carton sealer", "PACK", None),
];

const UNITS: &[(&str, &str)] = &[
    ("PCS", "pieces"),
    ("M", "metre"),
    ("ROLL", "roll"),
    ("G", "gram"),
    ("KG", "kilogram"),
];

/// (from, to, factor in millionths): 1 roll = 50 m, 1 kg = 1000 g.
const CONVERSIONS: &[(&str, &str, i64)] = &[("ROLL", "M", 50_000_000), ("KG", "G", 1_000_000_000)];

/// (code, name, kind, unit, standard cost, attributes JSON, design)
type ItemSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    Option<&'static str>,
);
const ITEMS: &[ItemSeed] = &[
    (
        "FUR-PLUSH",
        "Plush fur fabric",
        "raw",
        "M",
        1850,
        r#"[{"name":"colour","values":["brown","white","pink"]}]"#,
        None,
    ),
    (
        "FIBRE-FILL",
        "Polyester fibre fill",
        "raw",
        "KG",
        950,
        "[]",
        None,
    ),
    (
        "EYE-SAFETY",
        "Safety eyes, 12 mm",
        "raw",
        "PCS",
        12,
        "[]",
        None,
    ),
    (
        "THREAD-BLK",
        "Embroidery thread, black",
        "raw",
        "M",
        1,
        "[]",
        None,
    ),
    (
        "BEAR-BODY",
        "Teddy bear body, sewn",
        "component",
        "PCS",
        0,
        r#"[{"name":"size","values":["S","M","L"]},{"name":"colour","values":["brown","white","pink"]}]"#,
        Some("NOSE-01"),
    ),
    (
        "TB-30",
        "Teddy bear, classic",
        "finished",
        "PCS",
        0,
        r#"[{"name":"size","values":["S","M","L"]},{"name":"colour","values":["brown","white","pink"]}]"#,
        None,
    ),
];

const CUSTOMERS: &[(&str, &str, &str)] = &[
    ("TOYLAND", "Toyland Retail", "orders@toyland.example"),
    ("KIDSCO", "Kids & Co", "buying@kidsco.example"),
    (
        "GIFTHOUSE",
        "Gift House Stores",
        "purchasing@gifthouse.example",
    ),
];

const SUPPLIERS: &[(&str, &str, i64)] = &[
    ("PLUSHTEX", "Plushtex Mills", 21),
    ("FIBREFILL", "Fibrefill Supplies", 7),
    ("TRIMS", "Trims and Notions", 10),
];

pub(crate) async fn seed(tx: &mut Tx, now: i64) -> Result<()> {
    for (code, name, kind, cap, rate, m) in WORK_CENTRES {
        sqlx::query(
            "INSERT INTO work_centres (code, name, search_text, kind, parallel_capacity, labour_rate_minor_per_hour, \
             mon_minutes, tue_minutes, wed_minutes, thu_minutes, fri_minutes, sat_minutes, sun_minutes, \
             day_start_minute, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 420, $14, $14) ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(*kind)
        .bind(*cap)
        .bind(*rate)
        .bind(m[0])
        .bind(m[1])
        .bind(m[2])
        .bind(m[3])
        .bind(m[4])
        .bind(m[5])
        .bind(m[6])
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("seed work centre")?;
        sqlx::query(
            "INSERT INTO work_centre_holidays (work_centre_id, day) SELECT id, '2026-12-25' FROM work_centres \
             WHERE code = $1 ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .execute(&mut **tx)
        .await
        .ctx("seed holiday")?;
    }
    for (code, name, wc, emb) in MACHINES {
        sqlx::query(
            "INSERT INTO machines (code, name, search_text, work_centre_id, stitches_per_minute, heads, active, \
             created_at, updated_at) SELECT $1, $2, $3, id, $4, $5, 1, $6, $6 FROM work_centres WHERE code = $7",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(emb.map(|e| e.0))
        .bind(emb.map(|e| e.1))
        .bind(now)
        .bind(*wc)
        .execute(&mut **tx)
        .await
        .ctx("seed machine")?;
    }
    for (code, name) in UNITS {
        sqlx::query(
            "INSERT INTO units (code, name, search_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("seed unit")?;
    }
    for (from, to, factor) in CONVERSIONS {
        sqlx::query(
            "INSERT INTO unit_conversions (from_unit_id, to_unit_id, factor_millionths, created_at) \
             SELECT f.id, t.id, $3, $4 FROM units f, units t WHERE f.code = $1 AND t.code = $2 \
             ON CONFLICT DO NOTHING",
        )
        .bind(*from)
        .bind(*to)
        .bind(*factor)
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("seed conversion")?;
    }
    sqlx::query(
        "INSERT INTO embroidery_designs (code, name, search_text, stitch_count, colour_changes, thread_colours, \
         hoop, created_at, updated_at) VALUES ('NOSE-01', 'Bear nose and mouth', 'nose-01 bear nose and mouth', \
         12000, 3, '[\"black\",\"dark brown\",\"pink\",\"white\"]', 'H10', $1, $1) ON CONFLICT DO NOTHING",
    )
    .bind(now)
    .execute(&mut **tx)
    .await
    .ctx("seed design")?;
    for (code, name, kind, unit, cost, attrs, design) in ITEMS {
        sqlx::query(
            "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, \
             embroidery_design_id, created_at, updated_at) \
             SELECT $1, $2, $3, $4, u.id, $5, $6, (SELECT id FROM embroidery_designs WHERE code = $7), $8, $8 \
             FROM units u WHERE u.code = $9 ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(*kind)
        .bind(*cost)
        .bind(*attrs)
        .bind(design.unwrap_or(""))
        .bind(now)
        .bind(*unit)
        .execute(&mut **tx)
        .await
        .ctx("seed item")?;
    }
    for (code, name, email) in CUSTOMERS {
        sqlx::query(
            "INSERT INTO customers (code, name, search_text, email, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(*email)
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("seed customer")?;
    }
    for (code, name, lead) in SUPPLIERS {
        sqlx::query(
            "INSERT INTO suppliers (code, name, search_text, lead_time_days, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
        )
        .bind(*code)
        .bind(*name)
        .bind(search_text(code, name))
        .bind(*lead)
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("seed supplier")?;
    }
    // Everything above was written by SQL: index it for search.
    crate::master::search::index_missing(tx).await?;
    Ok(())
}
