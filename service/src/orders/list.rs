//! Reading orders: one with its lines and grids, and the filtered list.

use super::rows::{load_detail, OrderRow, SELECT_ORDER};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::orders::{OrderDetail, OrderFilter, OrderPage, OrderSummary};
use domain::perm::{Action, Module};

pub async fn get(svc: &Services, user: &CurrentUser, id: i64) -> Result<OrderDetail> {
    user.require(Module::Orders, Action::View)?;
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    load_detail(&mut conn, id).await
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Orders, soonest due first, a page at a time.
pub async fn list(svc: &Services, user: &CurrentUser, filter: &OrderFilter) -> Result<OrderPage> {
    user.require(Module::Orders, Action::View)?;
    let f = filter.parse()?;
    // The WHERE clause from fixed fragments; values are always bound.
    let mut clauses: Vec<String> = vec![];
    let mut binds: Vec<Bind> = vec![];
    let mut add = |clause: &str, b: Bind| {
        binds.push(b);
        clauses.push(clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(s) = f.status {
        add("o.status = ?", Bind::Text(s.as_str().into()));
    }
    if let Some(c) = f.customer_id {
        add("o.customer_id = ?", Bind::Int(c));
    }
    if let Some(d) = f.due_after {
        add("o.due_date >= ?", Bind::Text(d.to_string()));
    }
    if let Some(d) = f.due_before {
        add("o.due_date <= ?", Bind::Text(d.to_string()));
    }
    if let Some(q) = &f.q {
        add(
            "o.search_text LIKE ? ESCAPE '\\'",
            Bind::Text(crate::rows::like_contains(q)),
        );
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM sales_orders o{where_sql}");
    let list_sql = format!(
        "{SELECT_ORDER}{where_sql} ORDER BY o.due_date, o.id LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
    let mut lq = sqlx::query_as::<_, OrderRow>(&list_sql);
    for b in &binds {
        match b {
            Bind::Text(t) => {
                cq = cq.bind(t.clone());
                lq = lq.bind(t.clone());
            }
            Bind::Int(i) => {
                cq = cq.bind(*i);
                lq = lq.bind(*i);
            }
        }
    }
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    let total = cq.fetch_one(&mut *conn).await.ctx("count orders")?;
    let rows = lq
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut *conn)
        .await
        .ctx("list orders")?;
    Ok(OrderPage {
        items: rows.into_iter().map(OrderSummary::from).collect(),
        total,
        limit: f.limit,
        offset: f.offset,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(crate::rows::like_contains("so-2026"), "%so-2026%");
        assert_eq!(crate::rows::like_contains("50%_\\"), "%50\\%\\_\\\\%");
    }
}
