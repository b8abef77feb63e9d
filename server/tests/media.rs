//! Media over real HTTP, on SQLite and PostgreSQL: photos and PDFs kept by
//! what their bytes are (not their name or Content-Type), three thumbnails
//! per image, the EXIF orientation applied, refusals (other types, damaged
//! images, too large) with nothing written, the served files' headers,
//! idempotent retries, permissions and the audit entry.

mod common;

use common::*;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use reqwest::Response;
use serde_json::Value;
use sqlx::Row;

// ---------- test files ----------

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&img, w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, 120, (y % 256) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn webp(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_pixel(w, h, Rgba([10, 200, 30, 255]));
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(&img, w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// `jpeg` with an EXIF block saying "turn 90° clockwise to show"
/// (orientation 6), as a phone held upright writes it.
fn jpeg_rotated(w: u32, h: u32) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II\x2A\x00\x08\x00\x00\x00"); // little-endian, IFD at 8
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes()); // count
    tiff.extend_from_slice(&[6, 0, 0, 0]); // value 6
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg(w, h);
    out.splice(2..2, app1);
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
      2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
      trailer << /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

// ---------- calls ----------

/// Sends `bytes` as the raw body with `content_type`, `name` and `key`.
async fn send(
    user: &ApiClient,
    bytes: Vec<u8>,
    content_type: &str,
    name: Option<&str>,
    key: Option<&str>,
) -> (u16, Value) {
    let mut url = format!("{}/api/v1/media", user.base);
    if let Some(n) = name {
        url.push_str(&format!("?name={}", n.replace(' ', "%20")));
    }
    let mut req = user
        .http
        .post(url)
        .bearer_auth(&user.token)
        .header("content-type", content_type)
        .body(bytes);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    json(req.send().await.unwrap()).await
}

async fn upload(user: &ApiClient, bytes: Vec<u8>, content_type: &str) -> Value {
    let (status, v) = send(user, bytes, content_type, None, None).await;
    assert_eq!(status, 201, "{v}");
    v
}

/// The longest side of each thumbnail, by size name.
fn thumb_sides(info: &Value) -> Vec<(String, u64, u64)> {
    info["thumbs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["size"].as_str().unwrap().to_string(),
                t["width"].as_u64().unwrap(),
                t["height"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn header<'a>(res: &'a Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// An upload of `len` bytes over a raw connection: with Content-Length
/// (never sent: the server answers from the header) or chunked (sent until
/// the server stops reading). A client still writing a body the server has
/// refused may find its pipe closed before it reads the answer, which
/// reqwest reports as an error.
async fn raw_upload(c: &ApiClient, len: usize, chunked: bool) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = c.base.trim_start_matches("http://").to_string();
    let (mut rd, mut wr) = tokio::net::TcpStream::connect(&addr)
        .await
        .unwrap()
        .into_split();
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {len}")
    };
    let head = format!(
        "POST /api/v1/media HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: image/jpeg\r\n{framing}\r\nConnection: close\r\n\r\n",
        c.token
    );
    wr.write_all(head.as_bytes()).await.unwrap();
    let writer = tokio::spawn(async move {
        if chunked {
            let chunk = vec![0xFFu8; 64 * 1024];
            let mut sent = 0;
            while sent < len {
                let n = chunk.len().min(len - sent);
                let framed = [
                    format!("{n:x}\r\n").into_bytes(),
                    chunk[..n].to_vec(),
                    b"\r\n".to_vec(),
                ]
                .concat();
                if wr.write_all(&framed).await.is_err() {
                    return wr;
                }
                sent += n;
            }
            let _ = wr.write_all(b"0\r\n\r\n").await;
        }
        wr
    });
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(30), rd.read_to_end(&mut buf))
        .await
        .expect("the server answers")
        .unwrap();
    drop(writer.await);
    let text = String::from_utf8_lossy(&buf);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

// ---------- scenarios ----------

on_both!(
    images_are_kept_with_their_size_and_three_thumbnails,
    |app: TestApp| async move {
        let op = app.login("operator").await;

        let p = upload(&op, png(1600, 400), "image/png").await;
        assert_eq!(p["mime"], "image/png");
        assert_eq!(
            (p["width"].as_u64(), p["height"].as_u64()),
            (Some(1600), Some(400))
        );
        assert_eq!(p["source"], "upload");
        assert_eq!(p["sha256"].as_str().unwrap().len(), 64);
        assert!(p["created_at"].as_str().unwrap().ends_with('Z'), "{p}");
        let want = |v: &[(&str, u64, u64)]| -> Vec<(String, u64, u64)> {
            v.iter().map(|(s, w, h)| (s.to_string(), *w, *h)).collect()
        };
        assert_eq!(
            thumb_sides(&p),
            want(&[
                ("large", 1080, 270),
                ("medium", 480, 120),
                ("small", 160, 40)
            ])
        );

        let j = upload(&op, jpeg(1200, 900), "image/jpeg").await;
        assert_eq!(j["mime"], "image/jpeg");
        assert_eq!(
            thumb_sides(&j),
            want(&[
                ("large", 1080, 810),
                ("medium", 480, 360),
                ("small", 160, 120)
            ])
        );

        // Smaller than a thumbnail: never enlarged.
        let w = upload(&op, webp(300, 200), "application/octet-stream").await;
        assert_eq!(w["mime"], "image/webp");
        assert_eq!(
            thumb_sides(&w),
            want(&[
                ("large", 300, 200),
                ("medium", 300, 200),
                ("small", 160, 107)
            ])
        );

        // Shown upright: the EXIF orientation turns 1200 × 900 into 900 × 1200.
        let r = upload(&op, jpeg_rotated(1200, 900), "image/jpeg").await;
        assert_eq!(
            (r["width"].as_u64(), r["height"].as_u64()),
            (Some(900), Some(1200))
        );
        assert_eq!(thumb_sides(&r)[0], ("large".to_string(), 810, 1080));

        // The description reads back as the upload answered.
        let id = p["id"].as_i64().unwrap();
        let (status, back) = json(op.get(&format!("/api/v1/media/{id}")).await).await;
        assert_eq!(status, 200, "{back}");
        assert_eq!(back, p);

        // Each thumbnail is a JPEG of its stated size.
        for (size, w, h) in thumb_sides(&p) {
            let res = op.get(&format!("/api/v1/media/{id}/thumb/{size}")).await;
            assert_eq!(res.status(), 200);
            assert_eq!(header(&res, "content-type"), "image/jpeg");
            assert!(header(&res, "content-disposition").starts_with("inline; "));
            let img = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
            assert_eq!((u64::from(img.width()), u64::from(img.height())), (w, h));
        }
        assert_eq!(app.count("media").await, 4);
        assert_eq!(app.count("media_thumbs").await, 12);
        app.finish().await;
    }
);

on_both!(
    the_content_decides_the_type_and_is_served_safely,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        // A PNG sent as image/jpeg and named x.jpg is a PNG.
        let bytes = png(40, 30);
        let (status, v) = send(&op, bytes.clone(), "image/jpeg", Some("x.jpg"), None).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["mime"], "image/png");
        assert_eq!(v["name"], "x.jpg");
        let id = v["id"].as_i64().unwrap();
        let stored: String = sqlx::query("SELECT mime FROM media WHERE id = $1")
            .bind(id)
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap()
            .get(0);
        assert_eq!(stored, "image/png");

        let res = op.get(&format!("/api/v1/media/{id}/file")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-type"), "image/png");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        assert_eq!(
            header(&res, "content-security-policy"),
            "default-src 'none'; sandbox"
        );
        let cache = header(&res, "cache-control");
        assert!(cache.starts_with("private, max-age="), "{cache}");
        // Offered under the type it really is.
        assert_eq!(
            header(&res, "content-disposition"),
            "inline; filename=\"x.png\"; filename*=UTF-8''x.png"
        );
        assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);

        // A PDF is kept as it is, has no thumbnails and downloads as an attachment.
        let (status, d) = send(&op, pdf(), "image/png", Some("Übergabe Pumpe.pdf"), None).await;
        assert_eq!(status, 201, "{d}");
        assert_eq!(d["mime"], "application/pdf");
        assert!(d["width"].is_null() && d["height"].is_null(), "{d}");
        assert_eq!(d["thumbs"], Value::Array(vec![]));
        let pid = d["id"].as_i64().unwrap();
        let res = op.get(&format!("/api/v1/media/{pid}/file")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-type"), "application/pdf");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        assert_eq!(
            header(&res, "content-security-policy"),
            "default-src 'none'; sandbox"
        );
        assert_eq!(
            header(&res, "content-disposition"),
            "attachment; filename=\"_bergabe Pumpe.pdf\"; filename*=UTF-8''%C3%9Cbergabe%20Pumpe.pdf"
        );
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
        let (status, v) = json(op.get(&format!("/api/v1/media/{pid}/thumb/small")).await).await;
        assert_eq!(status, 404, "{v}");

        // The description is JSON, kept no longer than any other answer.
        let res = op.get(&format!("/api/v1/media/{id}")).await;
        assert_eq!(header(&res, "cache-control"), "no-store");

        // Multipart: one part named `file`, its file name kept.
        let boundary = "x-media-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pump.webp\"\r\n\
             Content-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&webp(20, 10));
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = op
            .http
            .post(app.url("/api/v1/media"))
            .bearer_auth(&op.token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, m) = json(res).await;
        assert_eq!(status, 201, "{m}");
        assert_eq!(
            (m["mime"].as_str(), m["name"].as_str()),
            (Some("image/webp"), Some("pump.webp"))
        );
        let res = op
            .http
            .post(app.url("/api/v1/media"))
            .bearer_auth(&op.token)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--{boundary}--\r\n"))
            .send()
            .await
            .unwrap();
        let (status, v) = json(res).await;
        assert_eq!((status, v["field"].as_str()), (422, Some("file")), "{v}");
        // A part one byte over the limit (the whole body within the form's
        // allowance): 413.
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n\r\n"
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(
            0xFF,
            domain::media::MAX_UPLOAD_BYTES + 1,
        ));
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = op
            .http
            .post(app.url("/api/v1/media"))
            .bearer_auth(&op.token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, v) = json(res).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (413, Some("too_large")),
            "{v}"
        );
        assert_eq!(app.count("media").await, 3);
        app.finish().await;
    }
);

on_both!(
    other_files_are_refused_and_nothing_is_written,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>".to_vec();
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
        let zip = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
        for (what, bytes, ct) in [
            ("html", html, "image/jpeg"),
            ("svg", svg, "image/svg+xml"),
            ("exe", exe, "image/png"),
            ("zip", zip, "application/pdf"),
            ("empty", vec![], "image/png"),
        ] {
            let (status, v) = send(&op, bytes, ct, Some("photo.jpg"), None).await;
            assert_eq!(
                (status, v["field"].as_str()),
                (422, Some("file")),
                "{what}: {v}"
            );
        }
        // Damaged: the PNG signature then garbage, a PNG and a JPEG cut off
        // in their headers, a PDF without its end. (A JPEG cut in its
        // pixel data decodes, its missing part grey, as a browser shows it.)
        let mut corrupt = png(50, 50)[..8].to_vec();
        corrupt.extend_from_slice(&[0x42; 500]);
        for (what, bytes) in [
            ("garbage", corrupt),
            ("png cut", png(50, 50)[..40].to_vec()),
            ("jpeg cut", jpeg(50, 50)[..30].to_vec()),
        ] {
            let (status, v) = send(&op, bytes, "image/png", None, None).await;
            assert_eq!(
                (status, v["field"].as_str()),
                (422, Some("file")),
                "{what}: {v}"
            );
            assert!(
                v["detail"].as_str().unwrap().contains("could not be read"),
                "{what}: {v}"
            );
        }
        let (status, v) = send(
            &op,
            b"%PDF-1.7\n1 0 obj".to_vec(),
            "application/pdf",
            None,
            None,
        )
        .await;
        assert_eq!((status, v["field"].as_str()), (422, Some("file")), "{v}");

        // Too large: 413 on the declared length, before the body is read,
        // and on the bytes when the length is not declared (chunked).
        let over = domain::media::MAX_UPLOAD_BYTES + 1;
        for chunked in [false, true] {
            let (status, v) = raw_upload(&op, over, chunked).await;
            assert_eq!(
                (status, v["code"].as_str()),
                (413, Some("too_large")),
                "chunked {chunked}: {v}"
            );
        }
        // Exactly the limit is not too large (it is not an image, so 422).
        let mut at_limit = vec![0u8; domain::media::MAX_UPLOAD_BYTES];
        at_limit[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        let (status, v) = send(&op, at_limit, "image/jpeg", None, None).await;
        assert_eq!((status, v["field"].as_str()), (422, Some("file")), "{v}");

        let (status, v) = json(op.get("/api/v1/media/999999").await).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (404, Some("not_found")),
            "{v}"
        );
        let (status, v) = json(op.get("/api/v1/media/abc").await).await;
        assert_eq!((status, v["field"].as_str()), (422, Some("id")), "{v}");
        let (status, v) = json(op.get("/api/v1/media/1/thumb/huge").await).await;
        assert_eq!((status, v["field"].as_str()), (422, Some("size")), "{v}");
        assert_eq!(app.count("media").await, 0);
        assert_eq!(app.count("media_thumbs").await, 0);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'media'"
            )
            .await,
            0
        );
        app.finish().await;
    }
);

on_both!(
    retries_permissions_and_the_audit_entry,
    |app: TestApp| async move {
        let op = app.login("operator").await;
        let bytes = jpeg(64, 48);
        let (s1, first) = send(
            &op,
            bytes.clone(),
            "image/jpeg",
            Some("m04.jpg"),
            Some("media-retry-0001"),
        )
        .await;
        assert_eq!(s1, 201, "{first}");
        let (s2, again) = send(
            &op,
            bytes.clone(),
            "image/jpeg",
            Some("m04.jpg"),
            Some("media-retry-0001"),
        )
        .await;
        assert_eq!(s2, 201, "{again}");
        assert_eq!(again, first);
        assert_eq!(app.count("media").await, 1);
        // The same key for another file is refused.
        let (s3, v) = send(
            &op,
            png(8, 8),
            "image/png",
            Some("m04.jpg"),
            Some("media-retry-0001"),
        )
        .await;
        assert_eq!(
            (s3, v["field"].as_str()),
            (422, Some("idempotency_key")),
            "{v}"
        );
        // Without a key the same file is a second record (its own uploader and time).
        let second = upload(&op, bytes, "image/jpeg").await;
        assert_ne!(second["id"], first["id"]);
        assert_eq!(second["sha256"], first["sha256"]);
        assert_eq!(app.count("media").await, 2);

        let id = first["id"].as_i64().unwrap();
        let row = sqlx::query(
            "SELECT a.user_id, a.action, a.detail, u.username FROM audit_log a JOIN users u ON u.id = a.user_id \
             WHERE a.entity = 'media' AND a.entity_id = $1",
        )
        .bind(id.to_string())
        .fetch_all(&app.svc.db.read)
        .await
        .unwrap();
        assert_eq!(row.len(), 1, "one audit entry per kept file");
        assert_eq!(row[0].get::<String, _>("username"), "operator");
        assert_eq!(row[0].get::<String, _>("action"), "media.upload");
        let detail: String = row[0].get("detail");
        assert!(
            detail.contains("image/jpeg") && detail.contains(first["sha256"].as_str().unwrap()),
            "{detail}"
        );

        // Finance has no part in maintenance, quality or WhatsApp: neither
        // keeps nor sees files. Warehouse sees them (it views maintenance)
        // but keeps none.
        let finance = app.login("finance").await;
        let (status, v) = send(&finance, png(8, 8), "image/png", None, None).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (403, Some("forbidden")),
            "{v}"
        );
        for path in [
            format!("/api/v1/media/{id}"),
            format!("/api/v1/media/{id}/file"),
            format!("/api/v1/media/{id}/thumb/small"),
        ] {
            let (status, v) = json(finance.get(&path).await).await;
            assert_eq!(status, 403, "{path}: {v}");
        }
        let warehouse = app.login("warehouse").await;
        let (status, v) = send(&warehouse, png(8, 8), "image/png", None, None).await;
        assert_eq!(status, 403, "{v}");
        let (status, v) = json(warehouse.get(&format!("/api/v1/media/{id}")).await).await;
        assert_eq!(status, 200, "{v}");
        // Quality inspectors keep defect photos.
        let quality = app.login("quality").await;
        upload(&quality, png(8, 8), "image/png").await;

        // Signed out: 401, before anything is read.
        let anon = reqwest::Client::new();
        let res = anon
            .post(app.url("/api/v1/media"))
            .body(png(8, 8))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        for path in [
            format!("/api/v1/media/{id}"),
            format!("/api/v1/media/{id}/file"),
            format!("/api/v1/media/{id}/thumb/large"),
        ] {
            let res = anon.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 401, "{path}");
        }
        assert_eq!(app.count("media").await, 3);
        app.finish().await;
    }
);
