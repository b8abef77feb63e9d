//! The master-data search index (`search_tails`, migration 0010): each
//! record's tails ([`domain::master::search_tails`]) with its archived flag
//! and code, so that `list` counts and pages the records a needle starts a
//! word of by a range scan of the index, instead of a LIKE over every row.
//!
//! Kept current in the writing transaction: the master `write` wrapper
//! (every create, edit, archive and restore) and the CSV import call
//! [`reindex`]; the old machines path too. Records written by plain SQL
//! (the demo seed, the benchmark's seed, databases from before the index)
//! are indexed by [`index_missing`], which `Db::connect` runs after the
//! migrations and the demo seed when it is done.

use crate::error::{DbContext, Result};
use domain::master::{search_tails, PrefixRange, Tail};
use sqlx::AnyConnection;

/// The tables with a `search_text` that the index covers (the CHECK on
/// `search_tails.entity` allows exactly these).
pub const TABLES: [&str; 7] = [
    "units",
    "items",
    "work_centres",
    "machines",
    "customers",
    "suppliers",
    "embroidery_designs",
];

/// Tails per INSERT statement (five parameters each). Few on SQLite, where
/// binding takes time in the square of a statement's parameters
/// (`sqlite3_bind_parameter_name` per parameter, under sqlx); more on
/// PostgreSQL, where each statement is a round trip.
fn batch(c: &AnyConnection) -> usize {
    if c.backend_name() == "PostgreSQL" {
        200
    } else {
        25
    }
}

/// What the index holds of a record besides its tails.
struct Record {
    id: i64,
    archived: i64,
    code: String,
}

impl Record {
    fn new(id: i64, code: String, archived_at: Option<i64>) -> Record {
        Record {
            id,
            archived: i64::from(archived_at.is_some()),
            code,
        }
    }
}

/// Inserts tails of `table`'s records, a batch per statement; a tail
/// already there (another process indexing the same record at start) is
/// left as it is.
async fn insert(c: &mut AnyConnection, table: &str, rows: &[(&Record, &Tail)]) -> Result<()> {
    let batch = batch(c);
    for chunk in rows.chunks(batch) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = 5 * i + 2;
                format!("($1, ${n}, ${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO search_tails (entity, record_id, tail, archived, code, shared_prefix) \
             VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(table);
        for (r, t) in chunk {
            q = q
                .bind(r.id)
                .bind(t.text.as_str())
                .bind(r.archived)
                .bind(r.code.as_str())
                .bind(t.shared_prefix as i64);
        }
        q.execute(&mut *c).await.ctx("write search index")?;
    }
    Ok(())
}

/// Brings the index of record `id` of `table` in line with the record (read
/// in the same transaction): when its text gives other tails, rewrites
/// them; otherwise sets its archived flag and code on them. Each statement
/// names the record's `(entity, record_id)` and nothing else, so it is
/// served by `search_tails_record` (the tails are in that index): given
/// another condition, SQLite without statistics would scan every tail of
/// the table by the primary key instead.
pub(crate) async fn reindex(c: &mut AnyConnection, table: &'static str, id: i64) -> Result<()> {
    let row: Option<(String, String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT search_text, code, archived_at FROM {table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await
    .ctx("read search text")?;
    let Some((text, code, archived_at)) = row else {
        return Ok(());
    };
    let record = Record::new(id, code, archived_at);
    let want = search_tails(&text);
    let mut have: Vec<String> =
        sqlx::query_scalar("SELECT tail FROM search_tails WHERE entity = $1 AND record_id = $2")
            .bind(table)
            .bind(id)
            .fetch_all(&mut *c)
            .await
            .ctx("read search index")?;
    have.sort_unstable();
    if have.iter().eq(want.iter().map(|t| &t.text)) {
        // The same tails (so the same shared prefixes).
        sqlx::query(
            "UPDATE search_tails SET archived = $3, code = $4 WHERE entity = $1 AND record_id = $2",
        )
        .bind(table)
        .bind(id)
        .bind(record.archived)
        .bind(record.code.as_str())
        .execute(&mut *c)
        .await
        .ctx("update search index")?;
        return Ok(());
    }
    sqlx::query("DELETE FROM search_tails WHERE entity = $1 AND record_id = $2")
        .bind(table)
        .bind(id)
        .execute(&mut *c)
        .await
        .ctx("update search index")?;
    let rows: Vec<(&Record, &Tail)> = want.iter().map(|t| (&record, t)).collect();
    insert(c, table, &rows).await
}

/// Indexes every record that has no tails yet (each has at least one: its
/// whole text); how many. When none is missing, one anti-join of ids per
/// table, in id order so the index is probed in its order (about 0.1 s for
/// 100,000 items).
pub async fn index_missing(c: &mut AnyConnection) -> Result<u64> {
    let mut done = 0;
    for table in TABLES {
        let missing: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT x.id FROM {table} x WHERE NOT EXISTS \
             (SELECT 1 FROM search_tails s WHERE s.entity = '{table}' AND s.record_id = x.id) \
             ORDER BY x.id LIMIT 1"
        ))
        .fetch_optional(&mut *c)
        .await
        .ctx("find records missing from the search index")?;
        let Some(first) = missing else {
            continue;
        };
        let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(&format!(
            "SELECT x.id, x.search_text, x.code, x.archived_at FROM {table} x WHERE x.id >= $1 \
             AND NOT EXISTS (SELECT 1 FROM search_tails s WHERE s.entity = '{table}' AND s.record_id = x.id)"
        ))
        .bind(first)
        .fetch_all(&mut *c)
        .await
        .ctx("find records missing from the search index")?;
        let records: Vec<(Record, Vec<Tail>)> = rows
            .into_iter()
            .map(|(id, text, code, archived_at)| {
                (Record::new(id, code, archived_at), search_tails(&text))
            })
            .collect();
        let mut tails: Vec<(&Record, &Tail)> = records
            .iter()
            .flat_map(|(r, tails)| tails.iter().map(move |t| (r, t)))
            .collect();
        // In the primary key's order: each insert lands next to the last.
        tails.sort_unstable_by(|a, b| (&a.1.text, a.0.id).cmp(&(&b.1.text, b.0.id)));
        insert(c, table, &tails).await?;
        done += records.len() as u64;
    }
    Ok(done)
}

/// A value bound to a search's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// The tails of `table` a non-empty needle finds (`t` is `search_tails`),
/// one per record found, with archived records or not; its parameters are
/// numbered from `$first`, and their values follow.
pub(crate) fn condition(
    table: &str,
    needle: &str,
    include_archived: bool,
    first: usize,
) -> (String, Vec<Bind>) {
    let r = PrefixRange::of(needle);
    let mut sql = format!(
        "t.entity = '{table}' AND t.tail >= ${first} AND t.shared_prefix < ${}",
        first + 1
    );
    let mut binds = vec![Bind::Text(r.lo.clone()), Bind::Int(r.len as i64)];
    if let Some(hi) = r.hi {
        sql.push_str(&format!(" AND t.tail < ${}", first + binds.len()));
        binds.push(Bind::Text(hi));
    }
    if !include_archived {
        sql.push_str(" AND t.archived = 0");
    }
    if r.recheck {
        // A needle longer than a tail: the range gave candidates only.
        let esc = crate::rows::like_escape(needle);
        let n = first + binds.len();
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM {table} x WHERE x.id = t.record_id AND \
             (x.search_text LIKE ${n} ESCAPE '\\' OR x.search_text LIKE ${} ESCAPE '\\'))",
            n + 1
        ));
        binds.push(Bind::Text(format!("{esc}%")));
        binds.push(Bind::Text(format!("% {esc}%")));
    }
    (sql, binds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_number_their_parameters() {
        let (sql, binds) = condition("items", "cot", false, 1);
        assert_eq!(
            sql,
            "t.entity = 'items' AND t.tail >= $1 AND t.shared_prefix < $2 AND t.tail < $3 \
             AND t.archived = 0"
        );
        let text = |s: &str| Bind::Text(s.to_string());
        assert_eq!(binds, [text("cot"), Bind::Int(3), text("cou")]);
        let long = format!("{}%", "a".repeat(domain::master::TAIL_CHARS));
        let (sql, binds) = condition("items", &long, true, 1);
        assert!(!sql.contains("archived"), "{sql}");
        assert!(
            sql.ends_with(
                "(x.search_text LIKE $4 ESCAPE '\\' OR x.search_text LIKE $5 ESCAPE '\\'))"
            ),
            "{sql}"
        );
        assert_eq!(binds[3], text(&format!("{}\\%%", "a".repeat(100))));
    }
}
