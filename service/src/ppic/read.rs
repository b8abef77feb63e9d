//! Reading orders: one with its jobs, materials and child orders, and a
//! page of the list (soonest due first, optionally by status or `q`).

use super::plan::offset_now;
use super::rows::{load_detail, MoRow, SELECT_MO};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use domain::ppic::{MoDetail, MoPage, MoStatus};
use domain::AppError;

/// Most rows one page may ask for.
pub const MAX_LIMIT: i64 = 200;

pub async fn get(svc: &Services, user: &CurrentUser, id: i64, now: i64) -> Result<MoDetail> {
    user.require(Module::Ppic, Action::View)?;
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    load_detail(&mut c, id, offset_now(svc.config.plant_time_zone, now)).await
}

pub async fn list(
    svc: &Services,
    user: &CurrentUser,
    status: Option<&str>,
    q: Option<&str>,
    limit: Option<i64>,
    offset: Option<i64>,
    now: i64,
) -> Result<MoPage> {
    user.require(Module::Ppic, Action::View)?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(MoStatus::parse(s).ok_or_else(|| {
            AppError::field(
                "status",
                "must be draft, released, in_progress, completed, closed or cancelled",
            )
        })?),
    };
    let q = q
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    if q.as_deref()
        .is_some_and(|s| s.len() > 100 || s.chars().any(char::is_control))
    {
        return Err(AppError::field("q", "at most 100 characters, no control characters").into());
    }
    let limit = limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::field("limit", "must be between 1 and 200").into());
    }
    let skip = offset.unwrap_or(0);
    if skip < 0 {
        return Err(AppError::field("offset", "must be 0 or more").into());
    }
    // `q` matches the start of the order number, the item code or a word
    // of the item's name (search_text is lower(number code name)).
    let like = q.map(|s| s.replace(['%', '_', '\\'], ""));
    let filter = "($1 IS NULL OR o.status = $1) AND ($2 IS NULL OR o.search_text LIKE $3 OR o.search_text LIKE $4)";
    let bind_like = |s: &Option<String>, pre: &str| s.as_ref().map(|v| format!("{pre}{v}%"));
    let status_s = status.map(|s| s.as_str().to_string());
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM manufacturing_orders o WHERE {filter}"
    ))
    .bind(status_s.clone())
    .bind(like.clone())
    .bind(bind_like(&like, ""))
    .bind(bind_like(&like, "% "))
    .fetch_one(&mut *c)
    .await
    .ctx("count orders")?;
    let rows: Vec<MoRow> = sqlx::query_as(&format!(
        "{SELECT_MO} WHERE {filter} ORDER BY o.due_date, o.id LIMIT $5 OFFSET $6"
    ))
    .bind(status_s)
    .bind(like.clone())
    .bind(bind_like(&like, ""))
    .bind(bind_like(&like, "% "))
    .bind(limit)
    .bind(skip)
    .fetch_all(&mut *c)
    .await
    .ctx("list orders")?;
    let offset_minutes = offset_now(svc.config.plant_time_zone, now);
    Ok(MoPage {
        rows: rows
            .iter()
            .map(|r| r.summary(offset_minutes))
            .collect::<Result<_>>()?,
        total,
    })
}
