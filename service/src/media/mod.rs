//! Media: photos (JPEG, PNG, WebP) and PDFs kept in the database (`media`,
//! migration 0016) with three JPEG thumbnails per image (`media_thumbs`).
//!
//! Keeping a file is two steps, so a use case of another module (a defect
//! with its photo, an inbound WhatsApp photo) can keep one in its own
//! transaction:
//! 1. [`prepare`] (before any transaction): the size limit, the type from
//!    the bytes, the image decoded on the blocking pool, the thumbnails.
//! 2. [`store_in`] (in the caller's transaction): the rows and the audit
//!    entry; it returns the [`MediaInfo`] to link or answer with.
//!
//! [`upload`] is the use case around them for `POST /api/v1/media`.
//!
//! Permissions: media is not a module; keeping a file takes CREATE, seeing
//! one VIEW, on maintenance, quality or whatsapp (`domain::media::require`).
//! No event is recorded: no screen lists media; the record that uses a file
//! records its own event.

mod decode;

pub use decode::{check, prepare, sha256_hex, Prepared, Thumb, DECODERS};

use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::media::{MediaInfo, MediaKind, MediaSource, ThumbInfo, ThumbSize};
use domain::perm::Action;
use domain::time::format_iso;
use domain::AppError;
use serde::Serialize;

/// The idempotency scope of [`upload`].
const SCOPE: &str = "media.upload";

/// What a retry must repeat for its key to answer with the first upload.
#[derive(Serialize)]
struct UploadRequest<'a> {
    sha256: &'a str,
    name: Option<&'a str>,
    source: MediaSource,
}

/// Keeps a file sent by `user` (`POST /api/v1/media`, or a later module's
/// own upload): its type is what its bytes are — the name and any declared
/// Content-Type are not consulted (a PNG named `x.jpg` is kept as a PNG).
/// 413 over `MAX_UPLOAD_BYTES`; 422 on `file` for an empty file, another
/// type, an image that does not decode or has more than `MAX_PIXELS`. With
/// `idem_key`, a retry answers with the first upload and stores nothing.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    svc: &Services,
    user: &CurrentUser,
    name: Option<&str>,
    bytes: Vec<u8>,
    source: MediaSource,
    idem_key: Option<&str>,
    now: i64,
) -> Result<MediaInfo> {
    domain::media::require(user, Action::Create)?;
    check(&bytes)?;
    let sha256 = sha256_hex(&bytes);
    let safe_name = name.and_then(domain::media::sanitise_name);
    let request = UploadRequest {
        sha256: &sha256,
        name: safe_name.as_deref(),
        source,
    };
    // A retry is answered before the file is decoded again.
    if let Some(done) = idempotency::replay(&svc.db, user.id, idem_key, SCOPE, &request).await? {
        return Ok(done);
    }
    let prepared = prepare(safe_name.as_deref(), bytes).await?;
    let user_id = user.id;
    let (info, _fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        SCOPE,
        &request,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let info = store_in(&mut tx, &prepared, user_id, source, now).await?;
                Ok((tx, info))
            })
        },
    )
    .await?;
    Ok(info)
}

/// Writes a [`prepare`]d file, its thumbnails and the audit entry in the
/// caller's transaction. The caller has checked the permission
/// (`domain::media::require(user, Action::Create)` or its own module's).
pub async fn store_in(
    tx: &mut Tx,
    file: &Prepared,
    created_by: i64,
    source: MediaSource,
    now: i64,
) -> Result<MediaInfo> {
    let (width, height) = match file.dims {
        Some((w, h)) => (Some(i64::from(w)), Some(i64::from(h))),
        None => (None, None),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO media (sha256, mime, size_bytes, width, height, name, data, source, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&file.sha256)
    .bind(file.kind.as_str())
    .bind(file.bytes.len() as i64)
    .bind(width)
    .bind(height)
    .bind(file.name.as_deref())
    .bind(file.bytes.as_slice())
    .bind(source.as_str())
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .ctx("insert media")?;
    for t in &file.thumbs {
        sqlx::query(
            "INSERT INTO media_thumbs (media_id, size, width, height, data) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(t.size.as_str())
        .bind(i64::from(t.width))
        .bind(i64::from(t.height))
        .bind(t.data.as_slice())
        .execute(&mut **tx)
        .await
        .ctx("insert media thumbnail")?;
    }
    let shown = match file.dims {
        Some((w, h)) => format!(" {w}x{h}"),
        None => String::new(),
    };
    audit(
        tx,
        Some(created_by),
        "media.upload",
        "media",
        &id.to_string(),
        &format!(
            "{}{shown}, {} bytes, sha256 {}, from {}",
            file.kind,
            file.bytes.len(),
            file.sha256,
            source.as_str()
        ),
        now,
    )
    .await?;
    Ok(MediaInfo {
        id,
        mime: file.kind,
        bytes: file.bytes.len() as u64,
        width: file.dims.map(|d| d.0),
        height: file.dims.map(|d| d.1),
        name: file.name.clone(),
        sha256: file.sha256.clone(),
        source,
        created_at: format_iso(now),
        thumbs: file
            .thumbs
            .iter()
            .map(|t| ThumbInfo {
                size: t.size,
                width: t.width,
                height: t.height,
                bytes: t.data.len() as u64,
            })
            .collect(),
    })
}

/// A `media` row without its bytes.
#[derive(sqlx::FromRow)]
struct MediaRow {
    id: i64,
    sha256: String,
    #[sqlx(try_from = "String")]
    mime: MediaKind,
    size_bytes: i64,
    width: Option<i64>,
    height: Option<i64>,
    name: Option<String>,
    #[sqlx(try_from = "String")]
    source: MediaSource,
    created_at: i64,
}

/// A `media_thumbs` row without its bytes.
#[derive(sqlx::FromRow)]
struct ThumbRow {
    #[sqlx(try_from = "String")]
    size: ThumbSize,
    width: i64,
    height: i64,
    size_bytes: i64,
}

fn side(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| crate::ServiceError::Internal(format!("media: side {v}")))
}

/// The file's description, with its thumbnails (largest first).
pub async fn get(svc: &Services, user: &CurrentUser, id: i64) -> Result<MediaInfo> {
    domain::media::require(user, Action::View)?;
    let row: MediaRow = sqlx::query_as(
        "SELECT id, sha256, mime, size_bytes, width, height, name, source, created_at FROM media WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&svc.db.read)
    .await
    .ctx("read media")?
    .ok_or_else(|| AppError::not_found("media"))?;
    let thumbs: Vec<ThumbRow> = sqlx::query_as(
        "SELECT size, width, height, CAST(length(data) AS BIGINT) AS size_bytes FROM media_thumbs \
         WHERE media_id = $1",
    )
    .bind(id)
    .fetch_all(&svc.db.read)
    .await
    .ctx("read media thumbnails")?;
    let mut thumbs = thumbs
        .into_iter()
        .map(|t| {
            Ok(ThumbInfo {
                size: t.size,
                width: side(t.width)?,
                height: side(t.height)?,
                bytes: t.size_bytes as u64,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    thumbs.sort_by_key(|t| std::cmp::Reverse(t.size));
    Ok(MediaInfo {
        id: row.id,
        mime: row.mime,
        bytes: row.size_bytes as u64,
        width: row.width.map(side).transpose()?,
        height: row.height.map(side).transpose()?,
        name: row.name,
        sha256: row.sha256,
        source: row.source,
        created_at: format_iso(row.created_at),
        thumbs,
    })
}

/// What a download serves: the type, the name to offer, the bytes.
#[derive(Debug, Clone)]
pub struct Download {
    /// The type the bytes are: the file's for the file, JPEG for a thumbnail.
    pub kind: MediaKind,
    /// The original name's stem with the extension of `kind`.
    pub file_name: String,
    pub data: Vec<u8>,
}

/// The file's bytes (`size: None`) or one of its thumbnails. A PDF has no
/// thumbnails: 404.
pub async fn bytes(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    size: Option<ThumbSize>,
) -> Result<Download> {
    domain::media::require(user, Action::View)?;
    let found: Option<(String, Option<String>, Vec<u8>)> = match size {
        None => sqlx::query_as("SELECT mime, name, data FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&svc.db.read)
            .await
            .ctx("read media file")?,
        Some(size) => sqlx::query_as::<_, (Option<String>, Vec<u8>)>(
            "SELECT m.name, t.data FROM media_thumbs t JOIN media m ON m.id = t.media_id \
             WHERE t.media_id = $1 AND t.size = $2",
        )
        .bind(id)
        .bind(size.as_str())
        .fetch_optional(&svc.db.read)
        .await
        .ctx("read media thumbnail")?
        .map(|(name, data)| (MediaKind::Jpeg.as_str().to_string(), name, data)),
    };
    let Some((mime, name, data)) = found else {
        return Err(AppError::not_found(if size.is_some() { "thumbnail" } else { "media" }).into());
    };
    let kind =
        MediaKind::try_from(mime).map_err(|e| crate::ServiceError::Internal(e.to_string()))?;
    let file_name = match size {
        None => domain::media::download_name(name.as_deref(), kind, id),
        Some(size) => {
            // The file's name with the size: `pump-small.jpg`.
            let full = domain::media::download_name(name.as_deref(), kind, id);
            let stem = full.rsplit_once('.').map_or(full.as_str(), |(s, _)| s);
            format!("{stem}-{}.jpg", size.as_str())
        }
    };
    Ok(Download {
        kind,
        file_name,
        data,
    })
}
