//! Demo orders (demo flag): one or two, only when the master demo data
//! (a customer and an item with variant attributes) exists. It inserts no
//! master data itself.

use super::change::create;
use crate::error::{DbContext, Result};
use crate::Services;
use domain::master::Date;
use domain::orders::{default_axes, GridCell, LineInput, OrderInput, OrderItem};
use sqlx::Row;

pub async fn seed_demo(svc: &Services, now: i64) -> Result<()> {
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM sales_orders")
        .fetch_one(&svc.db.read)
        .await
        .ctx("count orders")?
        .try_get(0)
        .ctx("decode")?;
    if have > 0 {
        return Ok(());
    }
    let Some(planner_id) = sqlx::query("SELECT id FROM users WHERE username = 'planner'")
        .fetch_optional(&svc.db.read)
        .await
        .ctx("find planner")?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()
        .ctx("decode")?
    else {
        return Ok(());
    };
    let planner = crate::auth::load_user(&svc.db, planner_id).await?;
    let customers = super::customers_for_orders(svc, &planner, "").await?;
    let items = super::items_for_orders(svc, &planner, "").await?;
    let styled: Vec<&OrderItem> = items.iter().filter(|i| i.attributes.len() >= 2).collect();
    let (Some(customer), Some(item)) = (customers.first(), styled.first()) else {
        return Ok(());
    };
    let Some((Some(rows), cols, fixed)) = default_axes(&item.attributes) else {
        return Ok(());
    };
    let values = |name: &str| {
        item.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.values.clone())
            .unwrap_or_default()
    };
    let fixed_key = fixed
        .iter()
        .map(|f| format!("{f}={}", values(f).first().cloned().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(";");
    let mut cells = vec![];
    for (r, row) in values(&rows).iter().enumerate() {
        for (c, col) in values(&cols).iter().enumerate() {
            cells.push(GridCell {
                row: row.clone(),
                col: col.clone(),
                qty: (((r + 1) * (c + 2) * 6) as i64).to_string(),
            });
        }
    }
    let today = Date::from_days(now.div_euclid(86_400_000));
    for (weeks, reference) in [(3, "PO-DEMO-1"), (6, "PO-DEMO-2")] {
        let input = OrderInput {
            customer_id: customer.id,
            customer_ref: reference.into(),
            due_date: today.add_days(weeks * 7).to_string(),
            lines: vec![LineInput {
                item_id: item.id,
                rows_attribute: rows.clone(),
                cols_attribute: cols.clone(),
                fixed: fixed_key.clone(),
                unit_price_minor: 12_500,
                cells: cells.clone(),
                ..Default::default()
            }],
            version: None,
        };
        create(svc, &planner, &input, None, now).await?;
    }
    Ok(())
}
