//! The order tables' row types and the reads every use case shares. Enum
//! and date columns decode through `TryFrom<String>`; item attributes are
//! strict JSON. A value that does not read is an error, never a default.

use crate::error::{DbContext, Result, ServiceError};
use domain::master::{Attribute, Date, Qty};
use domain::orders::{
    grid_view, OrderDetail, OrderItem, OrderLine, OrderStatus, OrderSummary, OrderTransition,
    SalesOrder,
};
use domain::time::format_iso;
use domain::{AppError, UnknownValue};
use sqlx::{AnyConnection, FromRow};
use std::collections::BTreeMap;

/// A `YYYY-MM-DD` column.
#[derive(Debug, Clone, Copy)]
pub(super) struct DbDate(pub Date);

impl TryFrom<String> for DbDate {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        Date::parse("date", &value)
            .map(DbDate)
            .map_err(|_| UnknownValue {
                what: "date",
                value,
            })
    }
}

/// A nullable `YYYY-MM-DD` column.
#[derive(Debug, Clone, Copy)]
pub(super) struct DbDateOpt(pub Option<Date>);

impl TryFrom<Option<String>> for DbDateOpt {
    type Error = UnknownValue;
    fn try_from(value: Option<String>) -> Result<Self, UnknownValue> {
        value
            .map(|v| DbDate::try_from(v).map(|d| d.0))
            .transpose()
            .map(DbDateOpt)
    }
}

pub(super) const SELECT_ORDER: &str = "SELECT o.id, o.number, o.customer_id, c.code AS customer_code, \
    c.name AS customer_name, o.customer_ref, o.status, o.due_date, o.line_count, o.total_qty_millionths, \
    o.total_minor, o.created_at, o.updated_at, o.version FROM sales_orders o JOIN customers c ON c.id = o.customer_id";

/// A `sales_orders` row with its customer, as [`SELECT_ORDER`] reads it.
#[derive(Debug, Clone, FromRow)]
pub(super) struct OrderRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub customer_name: String,
    pub customer_ref: String,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    #[sqlx(try_from = "String")]
    pub due_date: DbDate,
    pub line_count: i64,
    pub total_qty_millionths: i64,
    pub total_minor: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl From<OrderRow> for OrderSummary {
    fn from(r: OrderRow) -> Self {
        OrderSummary {
            id: r.id,
            number: r.number,
            customer_id: r.customer_id,
            customer_code: r.customer_code,
            customer_name: r.customer_name,
            customer_ref: r.customer_ref,
            status: r.status,
            due_date: r.due_date.0,
            line_count: r.line_count,
            total_qty: Qty::from_millionths(r.total_qty_millionths),
            total_minor: r.total_minor,
            version: r.version,
        }
    }
}

/// A `sales_order_lines` row with its item, unit and pinned BOM version.
#[derive(Debug, Clone, FromRow)]
pub(super) struct LineRow {
    pub id: i64,
    pub line_no: i64,
    pub item_id: i64,
    pub item_code: String,
    pub item_name: String,
    pub unit: String,
    pub variant_key: String,
    pub qty_millionths: i64,
    pub unit_price_minor: i64,
    #[sqlx(try_from = "Option<String>")]
    pub due_date: DbDateOpt,
    pub bom_id: Option<i64>,
    pub bom_version: Option<i64>,
    pub note: String,
}

impl From<LineRow> for OrderLine {
    fn from(r: LineRow) -> Self {
        let qty = Qty::from_millionths(r.qty_millionths);
        OrderLine {
            id: r.id,
            line_no: r.line_no,
            item_id: r.item_id,
            item_code: r.item_code,
            item_name: r.item_name,
            unit: r.unit,
            variant_key: r.variant_key,
            qty,
            unit_price_minor: r.unit_price_minor,
            // Stored lines were checked on save: their amount fits.
            amount_minor: domain::master::money_for(qty, r.unit_price_minor).unwrap_or(i64::MAX),
            due_date: r.due_date.0,
            bom_id: r.bom_id,
            bom_version: r.bom_version,
            note: r.note,
        }
    }
}

/// An `items` row as the order form needs it.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ItemRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub attributes: String,
    pub archived_at: Option<i64>,
}

impl TryFrom<ItemRow> for OrderItem {
    type Error = ServiceError;
    fn try_from(r: ItemRow) -> Result<OrderItem> {
        let attributes: Vec<Attribute> = serde_json::from_str(&r.attributes).map_err(|e| {
            ServiceError::Internal(format!("item {}: attributes do not read: {e}", r.id))
        })?;
        Ok(OrderItem {
            id: r.id,
            code: r.code,
            name: r.name,
            unit: r.unit,
            attributes,
            archived: r.archived_at.is_some(),
        })
    }
}

pub(super) const SELECT_ITEM: &str =
    "SELECT x.id, x.code, x.name, u.code AS unit, x.attributes, x.archived_at \
    FROM items x JOIN units u ON u.id = x.unit_id";

/// `$first, $first+1, …` for `n` bound values.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The items with these ids, by id (unknown ids are simply absent).
pub(super) async fn items_by_id(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<BTreeMap<i64, OrderItem>> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "{SELECT_ITEM} WHERE x.id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, ItemRow>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await.ctx("read items")? {
            let item = OrderItem::try_from(r)?;
            out.insert(item.id, item);
        }
    }
    Ok(out)
}

pub(super) async fn order_row(conn: &mut AnyConnection, id: i64) -> Result<OrderRow> {
    sqlx::query_as::<_, OrderRow>(&format!("{SELECT_ORDER} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("read order")?
        .ok_or_else(|| AppError::not_found(format!("Sales order #{id}")).into())
}

pub(super) async fn line_rows(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<LineRow>> {
    sqlx::query_as::<_, LineRow>(
        "SELECT l.id, l.line_no, l.item_id, i.code AS item_code, i.name AS item_name, u.code AS unit, \
         l.variant_key, l.qty_millionths, l.unit_price_minor, l.due_date, l.bom_id, b.version AS bom_version, l.note \
         FROM sales_order_lines l JOIN items i ON i.id = l.item_id JOIN units u ON u.id = i.unit_id \
         LEFT JOIN boms b ON b.id = l.bom_id WHERE l.order_id = $1 ORDER BY l.line_no, l.id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
    .ctx("read order lines")
}

/// One order with its lines and the grids of its variant items.
pub(super) async fn load_detail(conn: &mut AnyConnection, id: i64) -> Result<OrderDetail> {
    let o = order_row(&mut *conn, id).await?;
    let lines: Vec<OrderLine> = line_rows(&mut *conn, id)
        .await?
        .into_iter()
        .map(OrderLine::from)
        .collect();
    let mut ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let items = items_by_id(&mut *conn, &ids).await?;
    let grids = ids
        .iter()
        .filter_map(|id| items.get(id))
        .flat_map(|item| grid_view(&lines, item))
        .collect();
    let order = SalesOrder {
        id: o.id,
        number: o.number,
        customer_id: o.customer_id,
        customer_code: o.customer_code,
        customer_name: o.customer_name,
        customer_ref: o.customer_ref,
        status: o.status,
        due_date: o.due_date.0,
        lines,
        total_qty: Qty::from_millionths(o.total_qty_millionths),
        total_minor: o.total_minor,
        next: OrderTransition::available_from(o.status),
        created_at: format_iso(o.created_at),
        updated_at: format_iso(o.updated_at),
        version: o.version,
    };
    Ok(OrderDetail { order, grids })
}

/// A customer as an order names it.
#[derive(Debug, Clone, FromRow)]
pub(super) struct CustomerRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub archived_at: Option<i64>,
}

pub(super) async fn customer(conn: &mut AnyConnection, id: i64) -> Result<Option<CustomerRow>> {
    sqlx::query_as::<_, CustomerRow>(
        "SELECT id, code, name, archived_at FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .ctx("read customer")
}
