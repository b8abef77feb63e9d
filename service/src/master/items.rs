//! Items: raw materials, components and finished styles, with their unit,
//! standard cost, variant attributes and optional embroidery design.

use super::common::{active_id, bump, code_taken, write, Entity, Ref};
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{search_text, Attribute, Item, ItemInput, ItemKind, ItemRecord, Versioned};
use domain::perm::{Action, Module};
use domain::AppError;

#[derive(sqlx::FromRow)]
pub struct ItemRow {
    id: i64,
    code: String,
    name: String,
    #[sqlx(try_from = "String")]
    kind: ItemKind,
    unit: String,
    standard_cost_minor: i64,
    attributes: String,
    design: Option<String>,
    archived_at: Option<i64>,
    version: i64,
}

/// An item's attributes column, decoded strictly (a bad document is an error).
pub(crate) fn decode_attributes(id: i64, json: &str) -> Result<Vec<Attribute>> {
    serde_json::from_str(json)
        .map_err(|e| ServiceError::Internal(format!("item {id}: attributes: {e}")))
}

impl Entity for ItemRecord {
    const TABLE: &'static str = "items";
    const WHAT: &'static str = "item";
    const SELECT: &'static str = "SELECT x.id, x.code, x.name, x.kind, u.code AS unit, x.standard_cost_minor, \
        x.attributes, d.code AS design, x.archived_at, x.version FROM items x \
        JOIN units u ON u.id = x.unit_id LEFT JOIN embroidery_designs d ON d.id = x.embroidery_design_id";
    const REFS: &'static [Ref] = &[Ref {
        sql: "SELECT DISTINCT p.code FROM bom_components c JOIN boms b ON b.id = c.bom_id \
              JOIN items p ON p.id = b.item_id WHERE c.component_item_id = $1 AND b.is_current = 1 \
              AND p.archived_at IS NULL ORDER BY p.code LIMIT 5",
        what: "the BOMs of",
    }];
    type Row = ItemRow;

    fn decode(r: ItemRow) -> Result<Self> {
        Ok(ItemRecord {
            attributes: decode_attributes(r.id, &r.attributes)?,
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            unit: r.unit,
            standard_cost_minor: r.standard_cost_minor,
            embroidery_design: r.design,
            archived: r.archived_at.is_some(),
            version: r.version,
        })
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// The unit's and the design's ids for an item; field errors naming them.
async fn links(tx: &mut Tx, item: &Item) -> Result<(i64, Option<i64>)> {
    let unit = active_id(tx, "units", "unit", "unit", &item.unit).await?;
    let design = match &item.embroidery_design {
        None => None,
        Some(d) => Some(
            active_id(
                tx,
                "embroidery_designs",
                "embroidery design",
                "embroidery_design",
                d,
            )
            .await?,
        ),
    };
    Ok((unit, design))
}

fn attributes_json(item: &Item) -> Result<String> {
    serde_json::to_string(&item.attributes).map_err(|e| ServiceError::Internal(e.to_string()))
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &ItemInput,
    key: Option<&str>,
    now: i64,
) -> Result<ItemRecord> {
    user.require(Module::Master, Action::Create)?;
    let item = input.parse()?;
    write(
        svc,
        user,
        key,
        "master.items.create",
        input,
        now,
        "create",
        move |mut tx: Tx| {
            Box::pin(async move {
                let (unit, design) = links(&mut tx, &item).await?;
                let id = insert_row(&mut tx, &item, unit, design, now).await?;
                Ok((tx, id))
            })
        },
    )
    .await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<ItemInput>,
    key: Option<&str>,
    now: i64,
) -> Result<ItemRecord> {
    user.require(Module::Master, Action::Update)?;
    let item = input.input.parse()?;
    let version = input.version;
    let scope = format!("master.items.update.{id}");
    write(
        svc,
        user,
        key,
        &scope,
        input,
        now,
        "update",
        move |mut tx: Tx| {
            Box::pin(async move {
                bump::<ItemRecord>(&mut tx, id, version, now).await?;
                let old: String = sqlx::query_scalar("SELECT attributes FROM items WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .ctx("read attributes")?;
                let old = decode_attributes(id, &old)?;
                if let Some(removed) = removed_value(&old, &item.attributes) {
                    refuse_if_in_a_bom(&mut tx, id, &removed).await?;
                }
                let (unit, design) = links(&mut tx, &item).await?;
                update_row(&mut tx, id, &item, unit, design).await?;
                Ok((tx, id))
            })
        },
    )
    .await
}

/// Inserts a checked item with its unit's and design's ids; its id.
pub(crate) async fn insert_row(
    tx: &mut Tx,
    item: &Item,
    unit: i64,
    design: Option<i64>,
    now: i64,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, \
         embroidery_design_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         RETURNING id",
    )
    .bind(&item.code)
    .bind(&item.name)
    .bind(search_text(&item.code, &item.name))
    .bind(item.kind.as_str())
    .bind(unit)
    .bind(item.standard_cost_minor)
    .bind(attributes_json(item)?)
    .bind(design)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .ctx("insert item")
    .map_err(code_taken::<ItemRecord>)
}

/// Overwrites item `id` with checked values (its version is [`bump`]ed
/// by the caller).
pub(crate) async fn update_row(
    tx: &mut Tx,
    id: i64,
    item: &Item,
    unit: i64,
    design: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE items SET code = $2, name = $3, search_text = $4, kind = $5, unit_id = $6, \
         standard_cost_minor = $7, attributes = $8, embroidery_design_id = $9 WHERE id = $1",
    )
    .bind(id)
    .bind(&item.code)
    .bind(&item.name)
    .bind(search_text(&item.code, &item.name))
    .bind(item.kind.as_str())
    .bind(unit)
    .bind(item.standard_cost_minor)
    .bind(attributes_json(item)?)
    .bind(design)
    .execute(&mut **tx)
    .await
    .ctx("update item")
    .map_err(code_taken::<ItemRecord>)?;
    Ok(())
}

/// The first attribute or value of `old` that `new` no longer has, as
/// people say it: "size", or "size M".
pub(crate) fn removed_value(old: &[Attribute], new: &[Attribute]) -> Option<String> {
    old.iter()
        .find_map(|a| match new.iter().find(|n| n.name == a.name) {
            None => Some(a.name.clone()),
            Some(n) => a
                .values
                .iter()
                .find(|v| !n.allows(v))
                .map(|v| format!("{} {v}", a.name)),
        })
}

/// BOMs name an item's attribute values (its own BOM's variant rules, or
/// other BOMs' lines using it): while any does, none may be removed.
pub(crate) async fn refuse_if_in_a_bom(tx: &mut Tx, id: i64, removed: &str) -> Result<()> {
    let boms: Vec<(String, i64)> = sqlx::query_as(
        "SELECT DISTINCT p.code, b.version FROM boms b JOIN items p ON p.id = b.item_id \
         WHERE b.item_id = $1 OR b.id IN (SELECT bom_id FROM bom_components WHERE component_item_id = $1) \
         ORDER BY p.code, b.version LIMIT 5",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await
    .ctx("find BOMs using the item")?;
    if boms.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = boms
        .iter()
        .map(|(code, v)| format!("the BOM of {code} (version {v})"))
        .collect();
    Err(AppError::field(
        "attributes",
        format!(
            "{removed} cannot be removed while {} uses this item",
            named.join(", ")
        ),
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, values: &[&str]) -> Attribute {
        Attribute {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn removals_are_found_and_named() {
        let old = [a("size", &["S", "M"]), a("colour", &["red"])];
        assert_eq!(removed_value(&old, &old), None);
        assert_eq!(
            removed_value(&old, &[a("size", &["S", "M", "L"]), a("colour", &["red"])]),
            None
        );
        assert_eq!(
            removed_value(&old, &[a("size", &["S"]), a("colour", &["red"])]).as_deref(),
            Some("size M")
        );
        assert_eq!(
            removed_value(&old, &[a("size", &["S", "M"])]).as_deref(),
            Some("colour")
        );
    }
}
