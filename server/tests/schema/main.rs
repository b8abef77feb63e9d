//! Schema and row tests, one binary (each test binary links the whole server):
//! the SQLite and PostgreSQL migration trees describe one schema (tables,
//! columns, CHECK constraints, keys, indexes) [here]; the CHECKs match the Rust
//! enums and their migration keeps data [checks]; corrupt rows are errors
//! [rows]; machine and SLA changes honour idempotency keys [idempotency].

#[path = "../common.rs"]
mod common;
use common::*;

// One test binary for all of these: each binary links the whole server.
mod checks;
mod idempotency;
mod rows;

use sqlx::Connection;
use std::collections::{BTreeMap, BTreeSet};

// ---------- reading a schema ----------

#[derive(Debug, Default, PartialEq)]
struct Table {
    /// name → (nullable, type class)
    columns: BTreeMap<String, (bool, String)>,
    /// CHECK constraints as normalised expressions (identifiers and
    /// literals); by expression, not name, since an unnamed CHECK is named
    /// by PostgreSQL only.
    checks: BTreeSet<String>,
    primary_key: Vec<String>,
    /// unique constraints, by their columns
    uniques: BTreeSet<Vec<String>>,
    /// explicitly created indexes: name → (unique, columns)
    indexes: BTreeMap<String, (bool, Vec<String>)>,
}

type Schema = BTreeMap<String, Table>;

const SKIP_TABLES: [&str; 1] = ["_sqlx_migrations"];

/// SQLite's type affinity rules, and PostgreSQL's types, as one class.
fn type_class(t: &str) -> String {
    let t = t.to_ascii_lowercase();
    if t.contains("int") || t == "bigserial" || t == "serial" {
        "integer"
    } else if t.contains("char") || t.contains("clob") || t.contains("text") {
        "text"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") || t == "numeric" {
        "real"
    } else if t.contains("blob") || t == "bytea" || t.is_empty() {
        "blob"
    } else {
        return t;
    }
    .to_string()
}

const SQL_WORDS: &[&str] = &[
    "check",
    "in",
    "any",
    "array",
    "and",
    "or",
    "not",
    "is",
    "null",
    "text",
    "bigint",
    "integer",
    "character",
    "varying",
    "between",
];

/// A CHECK expression as the sorted set of the columns it names and the
/// literals it allows: `status IN ('a', 'b')` on SQLite and PostgreSQL's
/// `((status = ANY (ARRAY['a'::text, 'b'::text])))` both give
/// `status: 'a' 'b'`.
fn normalise_check(expr: &str) -> String {
    let mut idents = BTreeSet::new();
    let mut literals = BTreeSet::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < chars.len() {
                if chars[j] == '\'' {
                    if chars.get(j + 1) == Some(&'\'') {
                        s.push('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                s.push(chars[j]);
                j += 1;
            }
            literals.insert(format!("'{s}'"));
            i = j + 1;
        } else if c.is_ascii_alphabetic() || c == '_' || c == '"' {
            let mut j = i;
            let mut s = String::new();
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '_' || chars[j] == '"')
            {
                if chars[j] != '"' {
                    s.push(chars[j]);
                }
                j += 1;
            }
            if !SQL_WORDS.contains(&s.to_ascii_lowercase().as_str()) {
                idents.insert(s);
            }
            i = j;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            literals.insert(chars[i..j].iter().collect::<String>());
            i = j;
        } else {
            i += 1;
        }
    }
    let idents: Vec<_> = idents.into_iter().collect();
    let literals: Vec<_> = literals.into_iter().collect();
    format!("{}: {}", idents.join(","), literals.join(" "))
}

/// Every `CHECK (...)` in a `CREATE TABLE` statement.
fn sqlite_checks(sql: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let upper = sql.to_ascii_uppercase();
    let mut from = 0;
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    while let Some(pos) = upper[from..].find("CHECK") {
        let at = from + pos;
        // Not a part of a name such as next_check_at.
        if word(upper[..at].chars().next_back()) || word(upper[at + 5..].chars().next()) {
            from = at + 5;
            continue;
        }
        let open = at + upper[at..].find('(').expect("CHECK without (");
        let mut depth = 0;
        let mut end = open;
        let mut in_str = false;
        for (k, ch) in sql[open..].char_indices() {
            match ch {
                '\'' => in_str = !in_str,
                '(' if !in_str => depth += 1,
                ')' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.insert(normalise_check(&sql[open..=end]));
        from = end;
    }
    out
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name, sql) in tables {
        if SKIP_TABLES.contains(&name.as_str()) {
            continue;
        }
        let mut t = Table {
            checks: sqlite_checks(&sql),
            ..Default::default()
        };
        let cols: Vec<(String, String, bool, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (col, ty, notnull, in_pk) in cols {
            // A primary key column is NOT NULL on PostgreSQL whatever it says.
            t.columns
                .insert(col.clone(), (!notnull && in_pk == 0, type_class(&ty)));
            if in_pk > 0 {
                pk.push((in_pk, col));
            }
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, bool, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for (index, unique, origin) in indexes {
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            match origin.as_str() {
                "c" => {
                    t.indexes.insert(index, (unique, cols));
                }
                "u" => {
                    t.uniques.insert(cols);
                }
                _ => {} // the primary key, read above
            }
        }
        schema.insert(name, t);
    }
    schema
}

async fn postgres_schema(url: &str) -> Schema {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let mut schema = Schema::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for t in tables {
        if !SKIP_TABLES.contains(&t.as_str()) {
            schema.insert(t, Table::default());
        }
    }
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable::text, data_type::text \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, col, nullable, ty) in cols {
        if let Some(t) = schema.get_mut(&table) {
            t.columns.insert(col, (nullable == "YES", type_class(&ty)));
        }
    }
    let constraints: Vec<(String, String, String, Vec<String>)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.contype::text, pg_get_constraintdef(c.oid), \
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) \
         FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('c', 'p', 'u')",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, kind, def, cols) in constraints {
        let Some(t) = schema.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "c" => {
                t.checks.insert(normalise_check(&def));
            }
            "p" => t.primary_key = cols,
            _ => {
                t.uniques.insert(cols);
            }
        }
    }
    let indexes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, name, def) in indexes {
        let Some(t) = schema.get_mut(&table) else {
            continue;
        };
        // The column list, not a partial index's `WHERE (...)` (SQLite's
        // pragma lists only the columns too).
        let def = def.split(" WHERE ").next().unwrap_or(&def);
        let cols = def[def.rfind('(').unwrap() + 1..def.rfind(')').unwrap()]
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_string())
            .collect();
        t.indexes
            .insert(name, (def.starts_with("CREATE UNIQUE"), cols));
    }
    schema
}

/// Every difference, one per line, naming the table and what differs.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (Some(s), Some(p)) = (sqlite.get(name), postgres.get(name)) else {
            out.push(format!(
                "table {name} only on {}",
                if sqlite.contains_key(name) {
                    "SQLite"
                } else {
                    "PostgreSQL"
                }
            ));
            continue;
        };
        let cols: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for c in cols {
            let (sc, pc) = (s.columns.get(c), p.columns.get(c));
            if sc != pc {
                out.push(format!(
                    "{name}.{c}: SQLite {sc:?}, PostgreSQL {pc:?} ((nullable, type class))"
                ));
            }
        }
        for c in s.checks.difference(&p.checks) {
            out.push(format!("{name} CHECK ({c}) only on SQLite"));
        }
        for c in p.checks.difference(&s.checks) {
            out.push(format!("{name} CHECK ({c}) only on PostgreSQL"));
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "{name} primary key: SQLite {:?}, PostgreSQL {:?}",
                s.primary_key, p.primary_key
            ));
        }
        if s.uniques != p.uniques {
            out.push(format!(
                "{name} unique constraints: SQLite {:?}, PostgreSQL {:?}",
                s.uniques, p.uniques
            ));
        }
        if s.indexes != p.indexes {
            out.push(format!(
                "{name} indexes: SQLite {:?}, PostgreSQL {:?}",
                s.indexes, p.indexes
            ));
        }
    }
    out
}

#[test]
fn check_expressions_normalise_alike() {
    assert_eq!(
        normalise_check("CHECK (status IN ('open', 'closed'))"),
        normalise_check("CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text])))")
    );
    assert_eq!(
        normalise_check("CHECK (active IN (0, 1))"),
        normalise_check("CHECK ((active = ANY (ARRAY[(0)::bigint, (1)::bigint])))")
    );
    assert_ne!(
        normalise_check("CHECK (status IN ('open', 'closed'))"),
        normalise_check("CHECK (status IN ('open'))")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    let Some((pg_url, pg_name, _)) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let (sqlite_url, _, _dir) = fresh_db(Backend::Sqlite).await.unwrap();
    let sqlite_db = service::Db::connect(&sqlite_url).await.unwrap();
    let pg_db = service::Db::connect(&pg_url).await.unwrap();
    let s = sqlite_schema(&sqlite_url).await;
    let p = postgres_schema(&pg_url).await;
    let diffs = differences(&s, &p);
    assert!(
        diffs.is_empty(),
        "the migration trees disagree:\n{}",
        diffs.join("\n")
    );
    // The comparison sees what it should: the tables, and the constraints
    // the enums rely on.
    assert!(s.len() >= 14, "{:?}", s.keys());
    let statuses: Vec<String> = domain::maintenance::Status::ALL
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let status_check = format!("status: {}", statuses.join(" "));
    assert!(
        s["maintenance_requests"].checks.contains(&status_check),
        "{status_check} not in {:?}",
        s["maintenance_requests"].checks
    );
    assert!(s["maintenance_requests"]
        .indexes
        .contains_key("mr_active_created"));

    // A column added to one tree only is a difference, named.
    sqlx::query("ALTER TABLE machines ADD COLUMN serial_no TEXT")
        .execute(&sqlite_db.write)
        .await
        .unwrap();
    let diffs = differences(&sqlite_schema(&sqlite_url).await, &p);
    assert!(
        diffs.iter().any(|d| d.starts_with("machines.serial_no")),
        "{diffs:?}"
    );
    // So is a CHECK that allows a value the other does not.
    sqlx::query("ALTER TABLE sla_policies DROP CONSTRAINT sla_policies_priority_check")
        .execute(&pg_db.write)
        .await
        .unwrap();
    sqlx::query(
        "ALTER TABLE sla_policies ADD CONSTRAINT sla_policies_priority_check \
         CHECK (priority IN ('critical', 'high', 'medium', 'low', 'urgent'))",
    )
    .execute(&pg_db.write)
    .await
    .unwrap();
    let diffs = differences(&s, &postgres_schema(&pg_url).await);
    assert!(
        diffs
            .iter()
            .any(|d| d.starts_with("sla_policies CHECK") && d.contains("'urgent'")),
        "{diffs:?}"
    );
    sqlite_db.write.close().await;
    sqlite_db.read.close().await;
    pg_db.write.close().await;
    drop_pg(&pg_name.unwrap()).await;
}
