//! Embroidery designs: stitch count, colour changes, thread colours, hoop,
//! and the design file kept as an attachment.

use super::common::{bump, code_taken, write, Entity, Ref};
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{search_text, DesignInput, DesignRecord, FileInfo, Name, Versioned};
use domain::perm::{Action, Module};
use domain::time::format_iso;
use domain::AppError;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// Largest design file accepted (stitch files are tens of kilobytes).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

#[derive(sqlx::FromRow)]
pub struct DesignRow {
    id: i64,
    code: String,
    name: String,
    #[sqlx(try_from = "i64")]
    stitch_count: u32,
    #[sqlx(try_from = "i64")]
    colour_changes: u32,
    thread_colours: String,
    hoop: String,
    archived_at: Option<i64>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    created_at: i64,
}

impl From<FileRow> for FileInfo {
    fn from(r: FileRow) -> Self {
        FileInfo {
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            uploaded_at: format_iso(r.created_at),
        }
    }
}

const LATEST_FILE: &str =
    "SELECT file_name, content_type, size_bytes, sha256, created_at FROM attachments \
     WHERE owner = 'embroidery_design' AND owner_id = $1 ORDER BY id DESC LIMIT 1";

impl Entity for DesignRecord {
    const TABLE: &'static str = "embroidery_designs";
    const WHAT: &'static str = "embroidery design";
    const SELECT: &'static str =
        "SELECT x.id, x.code, x.name, x.stitch_count, x.colour_changes, x.thread_colours, \
        x.hoop, x.archived_at, x.version FROM embroidery_designs x";
    const REFS: &'static [Ref] = &[Ref {
        sql: "SELECT code FROM items WHERE embroidery_design_id = $1 AND archived_at IS NULL ORDER BY code LIMIT 5",
        what: "active items",
    }];
    type Row = DesignRow;

    fn decode(r: DesignRow) -> Result<Self> {
        let thread_colours = serde_json::from_str(&r.thread_colours).map_err(|e| {
            ServiceError::Internal(format!("embroidery design {}: thread colours: {e}", r.id))
        })?;
        Ok(DesignRecord {
            id: r.id,
            code: r.code,
            name: r.name,
            stitch_count: r.stitch_count,
            colour_changes: r.colour_changes,
            thread_colours,
            hoop: r.hoop,
            file: None,
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

    fn complete(mut self, c: &mut AnyConnection) -> BoxFuture<'_, Result<Self>> {
        Box::pin(async move {
            let f: Option<FileRow> = sqlx::query_as(LATEST_FILE)
                .bind(self.id)
                .fetch_optional(&mut *c)
                .await
                .ctx("read design file")?;
            self.file = f.map(FileInfo::from);
            Ok(self)
        })
    }
}

/// The checked design, its name and its thread colours as stored.
fn parse(input: &DesignInput) -> Result<(domain::master::Design, String, String)> {
    let d = input.parse()?;
    let name = Name::parse("name", &input.name)?.into_string();
    let colours = serde_json::to_string(&d.thread_colours)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((d, name, colours))
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &DesignInput,
    key: Option<&str>,
    now: i64,
) -> Result<DesignRecord> {
    user.require(Module::Master, Action::Create)?;
    let (d, name, colours) = parse(input)?;
    let scope = "master.embroidery_designs.create";
    write(svc, user, key, scope, input, now, "create", move |mut tx: Tx| {
        Box::pin(async move {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO embroidery_designs (code, name, search_text, stitch_count, colour_changes, \
                 thread_colours, hoop, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                 RETURNING id",
            )
            .bind(&d.code)
            .bind(&name)
            .bind(search_text(&d.code, &name))
            .bind(d.stitch_count as i64)
            .bind(d.colour_changes as i64)
            .bind(&colours)
            .bind(&d.hoop)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .ctx("insert embroidery design")
            .map_err(code_taken::<DesignRecord>)?;
            Ok((tx, id))
        })
    })
    .await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<DesignInput>,
    key: Option<&str>,
    now: i64,
) -> Result<DesignRecord> {
    user.require(Module::Master, Action::Update)?;
    let (d, name, colours) = parse(&input.input)?;
    let version = input.version;
    let scope = format!("master.embroidery_designs.update.{id}");
    write(svc, user, key, &scope, input, now, "update", move |mut tx: Tx| {
        Box::pin(async move {
            bump::<DesignRecord>(&mut tx, id, version, now).await?;
            sqlx::query(
                "UPDATE embroidery_designs SET code = $2, name = $3, search_text = $4, stitch_count = $5, \
                 colour_changes = $6, thread_colours = $7, hoop = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(&d.code)
            .bind(&name)
            .bind(search_text(&d.code, &name))
            .bind(d.stitch_count as i64)
            .bind(d.colour_changes as i64)
            .bind(&colours)
            .bind(&d.hoop)
            .execute(&mut *tx)
            .await
            .ctx("update embroidery design")
            .map_err(code_taken::<DesignRecord>)?;
            Ok((tx, id))
        })
    })
    .await
}

/// A file name safe to store and to put in a header: letters, digits, `.`,
/// `-` and `_` (anything else becomes `_`), at most 100 characters.
pub fn safe_file_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// A media type such as `application/octet-stream` (no parameters).
fn check_content_type(ct: &str) -> Result<String> {
    let t = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 60
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match t.split_once('/') {
        Some((a, b)) if token(a) && token(b) => Ok(t),
        _ => Err(AppError::field(
            "content_type",
            "send the file with a Content-Type such as application/octet-stream",
        )
        .into()),
    }
}

/// Keeps `bytes` as the design's file (the newest upload is the file).
#[allow(clippy::too_many_arguments)]
pub async fn put_file(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
    key: Option<&str>,
    now: i64,
) -> Result<DesignRecord> {
    user.require(Module::Master, Action::Update)?;
    let content_type = check_content_type(content_type)?;
    if bytes.is_empty() {
        return Err(AppError::field("file", "the file is empty").into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::field("file", "the file is larger than 5 MB").into());
    }
    let sha = hex::encode(Sha256::digest(&bytes));
    let file_name = safe_file_name(file_name, &format!("design-{id}.bin"));
    let request = (id, sha.clone(), content_type.clone(), file_name.clone());
    let scope = "master.embroidery_designs.file";
    write(svc, user, key, scope, &request, now, "attach", move |mut tx: Tx| {
        Box::pin(async move {
            let n = sqlx::query(
                "UPDATE embroidery_designs SET version = version + 1, updated_at = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .ctx("touch design")?
            .rows_affected();
            if n == 0 {
                return Err(AppError::not_found("embroidery design").into());
            }
            sqlx::query(
                "INSERT INTO attachments (owner, owner_id, file_name, content_type, size_bytes, sha256, data, \
                 uploaded_by, created_at) VALUES ('embroidery_design', $1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(&file_name)
            .bind(&content_type)
            .bind(bytes.len() as i64)
            .bind(&sha)
            .bind(bytes)
            .bind(user.id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .ctx("store design file")?;
            Ok((tx, id))
        })
    })
    .await
}

/// The design's file and its bytes.
pub async fn file(svc: &Services, user: &CurrentUser, id: i64) -> Result<(FileInfo, Vec<u8>)> {
    user.require(Module::Master, Action::View)?;
    let row: Option<(String, String, i64, String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT file_name, content_type, size_bytes, sha256, created_at, data FROM attachments \
         WHERE owner = 'embroidery_design' AND owner_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&svc.db.read)
    .await
    .ctx("read design file")?;
    let (file_name, content_type, size_bytes, sha256, created_at, data) =
        row.ok_or_else(|| AppError::not_found("design file"))?;
    let info = FileRow {
        file_name,
        content_type,
        size_bytes,
        sha256,
        created_at,
    };
    Ok((info.into(), data))
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(super::safe_file_name("bear nose.dst", "x"), "bear_nose.dst");
        assert_eq!(
            super::safe_file_name("../../etc/passwd", "x"),
            "_.._etc_passwd"
        );
        assert_eq!(super::safe_file_name("", "design-1.bin"), "design-1.bin");
        assert_eq!(super::safe_file_name("a\"b\r\n", "x"), "a_b");
        assert_eq!(super::safe_file_name("a\rb\n.dst", "x"), "a_b_.dst");
    }
}
