//! Items from CSV: one row per item, an upsert by code. Columns:
//!
//! | column | |
//! |---|---|
//! | `code` | required; an existing code updates that item, a new one creates it |
//! | `name`, `kind` (`raw`/`component`/`finished`), `unit` (a unit's code) | required |
//! | `standard_cost_minor` | whole minor units (cents), as the items API takes it |
//! | `attributes` | `size=S\|M\|L; colour=red\|blue`, empty for none |
//! | `embroidery_design` | a design's code, empty for none |
//!
//! An optional column the file leaves out keeps an existing item's value
//! (a new item gets 0, no attributes, no design). Every value is checked by
//! [`ItemInput::parse_all`], the unit and design must exist and be active,
//! and an attribute value a BOM uses cannot be removed — as in the items API.

use super::table::{optional, parts, problem, required, Column, Record};
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::events::{self, NewEvent};
use crate::master::items::{
    decode_attributes, insert_row, refuse_if_in_a_bom, removed_value, update_row,
};
use crate::master::search::reindex;
use crate::master::{active_id, bump};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::import::RowError;
use domain::master::{Attribute, Item, ItemInput, ItemRecord};
use domain::perm::Module;
use domain::AppError;
use std::collections::{BTreeMap, HashMap};

pub(super) const COLUMNS: &[Column] = &[
    required("code"),
    required("name"),
    required("kind"),
    required("unit"),
    optional("standard_cost_minor"),
    optional("attributes"),
    optional("embroidery_design"),
];

/// A row that read as an item, and which optional columns it had.
pub(super) struct ItemRow {
    row: u32,
    item: Item,
    has_cost: bool,
    has_attributes: bool,
    has_design: bool,
}

/// `size=S|M|L; colour=red|blue` as attributes (names and values are
/// checked by [`ItemInput::parse_all`]).
fn attributes_cell(s: &str) -> std::result::Result<Vec<Attribute>, String> {
    parts(s, ';')
        .map(|part| {
            let (name, values) = part.split_once('=').ok_or_else(|| {
                format!("write {part:?} as name=value|value (attributes separated by ';')")
            })?;
            Ok(Attribute {
                name: name.trim().to_string(),
                values: values.split('|').map(|v| v.trim().to_string()).collect(),
            })
        })
        .collect()
}

/// The CSV column of an [`ItemInput`] field (`attributes[1].values[0]` is
/// in `attributes`), and the message with the attribute it concerns.
fn column_of(field: &str, message: &str, attributes: &[Attribute]) -> (String, String) {
    let column = field.split(['[', '.']).next().unwrap_or(field).to_string();
    let attr = field
        .strip_prefix("attributes[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| attributes.get(i));
    match attr {
        Some(a) if !a.name.trim().is_empty() => (column, format!("{}: {message}", a.name.trim())),
        _ => (column, message.to_string()),
    }
}

/// Reads each record as an item; a problem for each bad value, and for a
/// code given on an earlier row too.
pub(super) fn map(records: &[Record], errors: &mut Vec<RowError>) -> Vec<ItemRow> {
    let mut out = Vec::with_capacity(records.len());
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in records {
        let cell = |name| r.cell(COLUMNS, name);
        let before = errors.len();
        let standard_cost_minor = match cell("standard_cost_minor").map(str::trim) {
            None | Some("") => 0,
            Some(s) => s.parse::<i64>().unwrap_or_else(|_| {
                errors.push(problem(
                    r.row,
                    "standard_cost_minor",
                    "must be a whole number of minor units (cents): 1250 for 12.50",
                ));
                0
            }),
        };
        let attributes = attributes_cell(cell("attributes").unwrap_or("")).unwrap_or_else(|m| {
            errors.push(problem(r.row, "attributes", m));
            vec![]
        });
        let input = ItemInput {
            code: r.text(COLUMNS, "code").to_string(),
            name: r.text(COLUMNS, "name").to_string(),
            kind: r.text(COLUMNS, "kind").trim().to_lowercase(),
            unit: r.text(COLUMNS, "unit").to_string(),
            standard_cost_minor,
            attributes,
            embroidery_design: cell("embroidery_design").map(str::to_string),
        };
        let item = match input.parse_all() {
            Ok(item) => item,
            Err(all) => {
                for e in all {
                    let f = e.field_error().expect("parse_all gives field errors");
                    let (column, message) = column_of(&f.field, &f.message, &input.attributes);
                    errors.push(problem(r.row, &column, message));
                }
                continue;
            }
        };
        if let Some(first) = seen.get(&item.code) {
            errors.push(problem(
                r.row,
                "code",
                format!("{} is on row {first} too; give each item once", item.code),
            ));
            continue;
        }
        seen.insert(item.code.clone(), r.row);
        if errors.len() > before {
            continue;
        }
        out.push(ItemRow {
            row: r.row,
            item,
            has_cost: cell("standard_cost_minor").is_some(),
            has_attributes: cell("attributes").is_some(),
            has_design: cell("embroidery_design").is_some(),
        });
    }
    out
}

/// What a checked row will do.
pub(super) struct Planned {
    item: Item,
    unit: i64,
    design: Option<i64>,
    /// The existing item's id and version.
    existing: Option<(i64, i64)>,
}

/// An existing item as an import reads it.
#[derive(sqlx::FromRow)]
struct Existing {
    id: i64,
    version: i64,
    standard_cost_minor: i64,
    attributes: String,
    design: Option<String>,
}

/// The id of an active unit or design, from `cache` or the database; the
/// field error's message when there is none.
async fn lookup(
    tx: &mut Tx,
    cache: &mut BTreeMap<(&'static str, String), std::result::Result<i64, String>>,
    table: &'static str,
    what: &str,
    code: &str,
) -> Result<std::result::Result<i64, String>> {
    let key = (table, code.to_string());
    if let Some(hit) = cache.get(&key) {
        return Ok(hit.clone());
    }
    let found = match active_id(tx, table, what, what, code).await {
        Ok(id) => Ok(id),
        Err(ServiceError::App(AppError::Invalid(f))) => Err(f.message),
        Err(e) => return Err(e),
    };
    cache.insert(key, found.clone());
    Ok(found)
}

/// Checks the rows against the database as `tx` sees it (reads only):
/// units and designs, existing items and the BOMs using their attributes.
pub(super) async fn check(
    tx: &mut Tx,
    rows: &[ItemRow],
    errors: &mut Vec<RowError>,
) -> Result<Vec<Planned>> {
    let mut cache = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (row, mut item) = (r.row, r.item.clone());
        let existing: Option<Existing> = sqlx::query_as(
            "SELECT x.id, x.version, x.standard_cost_minor, x.attributes, d.code AS design \
             FROM items x LEFT JOIN embroidery_designs d ON d.id = x.embroidery_design_id \
             WHERE x.code = $1",
        )
        .bind(&item.code)
        .fetch_optional(&mut **tx)
        .await
        .ctx("find item by code")?;
        let before = errors.len();
        if let Some(x) = &existing {
            let old = decode_attributes(x.id, &x.attributes)?;
            if !r.has_cost {
                item.standard_cost_minor = x.standard_cost_minor;
            }
            if !r.has_design {
                item.embroidery_design = x.design.clone();
            }
            if !r.has_attributes {
                item.attributes = old.clone();
            }
            if let Some(removed) = removed_value(&old, &item.attributes) {
                match refuse_if_in_a_bom(tx, x.id, &removed).await {
                    Ok(()) => {}
                    Err(ServiceError::App(AppError::Invalid(f))) => {
                        errors.push(problem(row, "attributes", f.message))
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        let unit = lookup(tx, &mut cache, "units", "unit", &item.unit).await?;
        let unit = unit.map_err(|m| errors.push(problem(row, "unit", m))).ok();
        let design = match &item.embroidery_design {
            None => Some(None),
            Some(d) => lookup(tx, &mut cache, "embroidery_designs", "embroidery design", d)
                .await?
                .map(Some)
                .map_err(|m| errors.push(problem(row, "embroidery_design", m)))
                .ok(),
        };
        if let (Some(unit), Some(design), true) = (unit, design, errors.len() == before) {
            out.push(Planned {
                item,
                unit,
                design,
                existing: existing.map(|x| (x.id, x.version)),
            });
        }
    }
    Ok(out)
}

/// How many a plan creates and updates.
pub(super) fn counts(plan: &[Planned]) -> (u32, u32) {
    let updated = plan.iter().filter(|p| p.existing.is_some()).count() as u32;
    (plan.len() as u32 - updated, updated)
}

/// Writes a checked plan in `tx`: each item with its audit entry and event
/// (as the items API writes them).
pub(super) async fn write(
    tx: &mut Tx,
    user: &CurrentUser,
    plan: &[Planned],
    now: i64,
) -> Result<()> {
    for p in plan {
        let (id, version, kind, action) = match p.existing {
            None => {
                let id = insert_row(tx, &p.item, p.unit, p.design, now).await?;
                reindex(tx, "items", id).await?;
                (id, 1, EventKind::Created, "create")
            }
            Some((id, version)) => {
                bump::<ItemRecord>(tx, id, version, now).await?;
                update_row(tx, id, &p.item, p.unit, p.design).await?;
                reindex(tx, "items", id).await?;
                (id, version + 1, EventKind::Updated, "update")
            }
        };
        audit(
            tx,
            Some(user.id),
            action,
            "item",
            &id.to_string(),
            &p.item.code,
            now,
        )
        .await?;
        events::record(
            tx,
            &NewEvent::new(Module::Master, id, version, kind, now).with_payload(
                serde_json::json!({ "entity": "item", "action": action, "via": "import" }),
            ),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_cells_read_as_attributes() {
        let a = attributes_cell(" size=S|M | L; colour = red|blue ;").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].name.as_str(), a[0].values.len()), ("size", 3));
        assert_eq!(a[0].values[2], "L");
        assert_eq!(a[1].name, "colour");
        assert!(attributes_cell("").unwrap().is_empty());
        assert!(attributes_cell("size").is_err());
    }

    #[test]
    fn input_fields_map_to_columns() {
        let attrs = attributes_cell("size=S|S").unwrap();
        assert_eq!(
            column_of("attributes[0].values[1]", "S is listed twice", &attrs),
            (
                "attributes".to_string(),
                "size: S is listed twice".to_string()
            )
        );
        assert_eq!(
            column_of("standard_cost_minor", "must not be negative", &attrs).0,
            "standard_cost_minor"
        );
    }
}
