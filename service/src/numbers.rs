//! Document numbers: `SO-2026-0001`, `MO-2026-0001`. Each kind has a
//! per-year counter table bumped with an upsert inside the creating
//! transaction, so numbers are dense and never given twice.

use crate::db::Tx;
use crate::error::{DbContext, Result};
use domain::master::Date;

/// A kind of numbered document: its counter table and its prefix.
pub struct Series {
    pub table: &'static str,
    pub prefix: &'static str,
}

pub const SALES_ORDERS: Series = Series {
    table: "sales_order_numbers",
    prefix: "SO",
};

pub const MANUFACTURING_ORDERS: Series = Series {
    table: "mo_numbers",
    prefix: "MO",
};

/// The next number of `series` in the (UTC) year of `now`.
pub async fn next(tx: &mut Tx, series: &Series, now: i64) -> Result<String> {
    let year = Date::from_days(now.div_euclid(86_400_000)).y as i64;
    let table = series.table;
    let n: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO {table} (year, last_no) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last_no = {table}.last_no + 1 RETURNING last_no"
    ))
    .bind(year)
    .fetch_one(&mut **tx)
    .await
    .ctx("take a document number")?;
    Ok(format!("{}-{year}-{n:04}", series.prefix))
}
