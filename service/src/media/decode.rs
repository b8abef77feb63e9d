//! Reading an upload before it is stored: its type from its first bytes,
//! then, for an image, a full decode (a file that does not decode is
//! refused) for its size as shown and its three JPEG thumbnails. All of it
//! runs on tokio's blocking pool, at most [`DECODERS`] at a time, and never
//! inside a transaction: on SQLite the one writer would wait for it.

use crate::error::{Result, ServiceError};
use domain::media::{sanitise_name, MediaKind, ThumbSize, MAX_PIXELS, MAX_UPLOAD_BYTES};
use domain::AppError;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use tokio::sync::Semaphore;

/// Images decoded at once in this process. A 40-megapixel photo takes up
/// to 160 MB decoded (320 MB for a 16-bit PNG); two at a time bound the
/// memory and leave the other core to the requests.
pub const DECODERS: usize = 2;

static DECODE_PERMITS: Semaphore = Semaphore::const_new(DECODERS);

/// JPEG quality of the thumbnails.
const THUMB_QUALITY: u8 = 80;

/// A file checked and ready to store with [`super::store_in`]: its type
/// (from its bytes), hash, safe name, and for an image its size and
/// thumbnails.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(super) kind: MediaKind,
    pub(super) sha256: String,
    pub(super) name: Option<String>,
    pub(super) bytes: Vec<u8>,
    /// Width and height as shown; `None` for a PDF.
    pub(super) dims: Option<(u32, u32)>,
    /// Largest first; empty for a PDF.
    pub(super) thumbs: Vec<Thumb>,
}

impl Prepared {
    pub fn kind(&self) -> MediaKind {
        self.kind
    }
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    pub fn len(&self) -> usize {
        self.bytes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Thumb {
    pub size: ThumbSize,
    pub width: u32,
    pub height: u32,
    /// JPEG.
    pub data: Vec<u8>,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The cheap checks, before anything is decoded: not empty, at most
/// [`MAX_UPLOAD_BYTES`] (413), and a type that is kept (422 on `file`).
pub fn check(bytes: &[u8]) -> Result<MediaKind, AppError> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "is empty"));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::TooLarge {
            max_bytes: MAX_UPLOAD_BYTES as u64,
        });
    }
    MediaKind::sniff(bytes).ok_or_else(|| {
        AppError::field(
            "file",
            "is not a JPEG, PNG or WebP image or a PDF (its content decides, not its name)",
        )
    })
}

/// Checks `bytes` ([`check`]), then reads the image or PDF and makes the
/// thumbnails, off the async threads. `name` is the original file name,
/// made safe here.
pub async fn prepare(name: Option<&str>, bytes: Vec<u8>) -> Result<Prepared> {
    let kind = check(&bytes)?;
    let name = name.and_then(sanitise_name);
    let permit = DECODE_PERMITS
        .acquire()
        .await
        .map_err(|e| ServiceError::Internal(format!("decode permits: {e}")))?;
    tokio::task::spawn_blocking(move || {
        // Held by the decode itself, so a request given up midway still
        // counts until its decode ends.
        let _permit = permit;
        let sha256 = sha256_hex(&bytes);
        let (dims, thumbs) = if kind.is_image() {
            let (dims, thumbs) = read_image(kind, &bytes)?;
            (Some(dims), thumbs)
        } else {
            check_pdf(&bytes)?;
            (None, Vec::new())
        };
        Ok(Prepared {
            kind,
            sha256,
            name,
            bytes,
            dims,
            thumbs,
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("decode task: {e}")))?
}

fn not_readable(kind: MediaKind) -> AppError {
    let what = match kind {
        MediaKind::Jpeg => "JPEG",
        MediaKind::Png => "PNG",
        MediaKind::Webp => "WebP",
        MediaKind::Pdf => "PDF",
    };
    AppError::field(
        "file",
        format!("starts like a {what} but could not be read (damaged or cut short)"),
    )
}

fn too_many_pixels() -> AppError {
    AppError::field(
        "file",
        format!(
            "has more than {} megapixels; send a smaller photo",
            MAX_PIXELS / 1_000_000
        ),
    )
}

/// A PDF is not rendered (no thumbnail: that needs a PDF engine), only
/// checked to be whole: `%%EOF` in its last 1 KB, where readers look for it.
fn check_pdf(bytes: &[u8]) -> Result<(), AppError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if tail.windows(5).any(|w| w == b"%%EOF") {
        Ok(())
    } else {
        Err(not_readable(MediaKind::Pdf))
    }
}

/// Decodes the image (refusing more than [`MAX_PIXELS`] before decoding),
/// turns it as its EXIF orientation says, and makes the thumbnails.
fn read_image(kind: MediaKind, bytes: &[u8]) -> Result<((u32, u32), Vec<Thumb>), AppError> {
    let format = match kind {
        MediaKind::Jpeg => ImageFormat::Jpeg,
        MediaKind::Png => ImageFormat::Png,
        MediaKind::Webp => ImageFormat::WebP,
        MediaKind::Pdf => return Err(not_readable(kind)),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // 40 MP at 16 bits × 4 channels, and the decoders' own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 8 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(),
        _ => not_readable(kind),
    })?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(not_readable(kind));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_many_pixels());
    }
    // A damaged EXIF block is no reason to refuse the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(),
        _ => not_readable(kind),
    })?;
    img.apply_orientation(orientation);
    let dims = (img.width(), img.height());
    let thumbs = thumbnails(&img).map_err(|e| {
        tracing::warn!(error = %e, "thumbnail encoding failed");
        not_readable(kind)
    })?;
    Ok((dims, thumbs))
}

/// The three thumbnails, largest first, each made from the one before it
/// (a 40 MP photo is read once, not three times).
fn thumbnails(img: &DynamicImage) -> image::ImageResult<Vec<Thumb>> {
    let mut out = Vec::with_capacity(ThumbSize::ALL.len());
    let mut from: Option<DynamicImage> = None;
    for &size in ThumbSize::ALL {
        let src = from.as_ref().unwrap_or(img);
        let (tw, th) = size.fit(img.width(), img.height());
        let scaled = if (tw, th) == (src.width(), src.height()) {
            src.clone()
        } else {
            src.thumbnail_exact(tw, th)
        };
        let rgb = on_white(&scaled);
        let mut data = Vec::new();
        JpegEncoder::new_with_quality(&mut data, THUMB_QUALITY).encode_image(&rgb)?;
        out.push(Thumb {
            size,
            width: tw,
            height: th,
            data,
        });
        from = Some(scaled);
    }
    Ok(out)
}

/// 8-bit RGB, any transparency laid over white (JPEG has no alpha).
fn on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(p[3]);
        for c in 0..3 {
            o[c] = ((u32::from(p[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgba, RgbaImage};

    fn png(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = RgbaImage::from_pixel(w, h, Rgba([200, 10, 10, alpha]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&img, w, h, image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    #[tokio::test]
    async fn images_get_three_thumbnails_never_upscaled() {
        let p = prepare(Some("../red dot.png"), png(2000, 500, 255))
            .await
            .unwrap();
        assert_eq!(p.kind(), MediaKind::Png);
        assert_eq!(p.name.as_deref(), Some("red dot.png"));
        assert_eq!(p.dims, Some((2000, 500)));
        let sides: Vec<_> = p
            .thumbs
            .iter()
            .map(|t| (t.size, t.width, t.height))
            .collect();
        assert_eq!(
            sides,
            [
                (ThumbSize::Large, 1080, 270),
                (ThumbSize::Medium, 480, 120),
                (ThumbSize::Small, 160, 40)
            ]
        );
        for t in &p.thumbs {
            assert_eq!(MediaKind::sniff(&t.data), Some(MediaKind::Jpeg));
        }
        let small = prepare(None, png(100, 50, 0)).await.unwrap();
        assert!(small
            .thumbs
            .iter()
            .all(|t| (t.width, t.height) == (100, 50)));
        // Transparent pixels come out white, not black.
        let thumb = image::load_from_memory(&small.thumbs[2].data)
            .unwrap()
            .to_rgb8();
        assert!(
            thumb.get_pixel(50, 25)[0] > 240,
            "{:?}",
            thumb.get_pixel(50, 25)
        );
    }

    #[tokio::test]
    async fn what_does_not_decode_is_refused_on_file() {
        let mut broken = png(10, 10, 255);
        broken.truncate(20);
        let e = prepare(None, broken).await.unwrap_err().into_app();
        assert_eq!(e.field_error().unwrap().field, "file");
        let e = prepare(None, b"<html>".to_vec())
            .await
            .unwrap_err()
            .into_app();
        assert_eq!(e.field_error().unwrap().field, "file");
        let e = prepare(None, b"%PDF-1.4 cut".to_vec())
            .await
            .unwrap_err()
            .into_app();
        assert_eq!(e.status(), 422);
        let e = prepare(None, vec![]).await.unwrap_err().into_app();
        assert_eq!(e.status(), 422);
        let big = vec![0xFF; MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            prepare(None, big).await.unwrap_err().into_app().status(),
            413
        );
    }

    /// CRC-32 (PNG's chunk checksum), bit by bit: for the test's one chunk.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A valid 1 × 1 PNG whose header claims `w` × `h`: what a
    /// decompression bomb looks like before its pixels are read.
    pub(crate) fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut p = png(1, 1, 255);
        assert_eq!(&p[12..16], b"IHDR");
        p[16..20].copy_from_slice(&w.to_be_bytes());
        p[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&p[12..29]);
        p[29..33].copy_from_slice(&crc.to_be_bytes());
        p
    }

    #[tokio::test]
    async fn decompression_bombs_are_refused_before_decoding() {
        // 8000 × 8000 (64 MP) claimed by a file of 70 bytes.
        let e = prepare(None, png_claiming(8000, 8000))
            .await
            .unwrap_err()
            .into_app();
        assert!(e.to_string().contains("megapixels"), "{e}");
        // Within the limit, the same trick is a damaged file, not a hang.
        let e = prepare(None, png_claiming(4000, 4000))
            .await
            .unwrap_err()
            .into_app();
        assert!(e.to_string().contains("could not be read"), "{e}");
    }
}
