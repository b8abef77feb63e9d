//! Media: photos and documents kept by the plant (an upload from a screen or
//! an integrator, an inbound WhatsApp photo; a defect photo later). The type
//! of a file is what its first bytes say ([`MediaKind::sniff`]), never its
//! name or the Content-Type it was sent with. Images get three JPEG
//! thumbnails ([`ThumbSize`]); PDFs are kept as they are.

use crate::auth::CurrentUser;
use crate::error::{AppError, UnknownValue};
use crate::perm::{Action, Module};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest file kept, of any kind (WhatsApp itself sends images up to
/// 5 MB; a phone's full-size photo is 3 to 8 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels an image may have (width × height, 40 megapixels): a
/// small file that decodes to gigabytes (a decompression bomb) is refused
/// before it is decoded.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The modules whose records a file belongs to (a breakdown photo, a
/// defect photo, a photo sent on WhatsApp). Media is not a module of its
/// own: keeping a file takes CREATE on one of these, seeing one VIEW on one
/// of these (a file is not yet tied to the record that uses it, so this is
/// the narrowest rule that lets each of them show its photos).
pub const OWNING_MODULES: &[Module] = &[Module::Maintenance, Module::Quality, Module::Whatsapp];

/// `action` (CREATE to keep a file, VIEW to see one) on any of
/// [`OWNING_MODULES`]; a 403 naming them otherwise.
pub fn require(user: &CurrentUser, action: Action) -> Result<(), AppError> {
    if OWNING_MODULES.iter().any(|m| user.can(*m, action)) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            module: "maintenance, quality or whatsapp".into(),
            action: action.as_str().into(),
        })
    }
}

/// The types kept, as their first bytes tell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MediaKind {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl MediaKind {
    pub const ALL: &'static [MediaKind] = &[
        MediaKind::Jpeg,
        MediaKind::Png,
        MediaKind::Webp,
        MediaKind::Pdf,
    ];

    /// The MIME type (also the stored value and the wire value).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Pdf => "application/pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The file name extension a download gets.
    pub fn extension(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpg",
            MediaKind::Png => "png",
            MediaKind::Webp => "webp",
            MediaKind::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, MediaKind::Pdf)
    }

    /// The type by magic bytes alone: JPEG `FF D8 FF`, PNG's eight-byte
    /// signature, WebP `RIFF????WEBP`, PDF `%PDF-`. Anything else (HTML,
    /// SVG, executables, archives, an empty or cut-off header) is `None`.
    pub fn sniff(bytes: &[u8]) -> Option<MediaKind> {
        const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaKind::Jpeg)
        } else if bytes.starts_with(PNG) {
            Some(MediaKind::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(MediaKind::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(MediaKind::Pdf)
        } else {
            None
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The thumbnails of an image, by their longest side in pixels. A thumbnail
/// is never larger than its image (a small photo's thumbnails are its own
/// size) and keeps its aspect ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ThumbSize {
    Small = 160,
    Medium = 480,
    Large = 1080,
}

impl ThumbSize {
    /// Largest first: each is made from the one before it.
    pub const ALL: &'static [ThumbSize] = &[ThumbSize::Large, ThumbSize::Medium, ThumbSize::Small];

    pub fn as_str(self) -> &'static str {
        match self {
            ThumbSize::Small => "small",
            ThumbSize::Medium => "medium",
            ThumbSize::Large => "large",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// The longest side, in pixels.
    pub fn longest_side(self) -> u32 {
        self as u32
    }

    /// The thumbnail's width and height for an image of `width` × `height`:
    /// scaled down so the longest side is at most [`Self::longest_side`],
    /// never up, aspect kept (each side at least 1 pixel).
    pub fn fit(self, width: u32, height: u32) -> (u32, u32) {
        let max = self.longest_side();
        let longest = width.max(height);
        if longest <= max || longest == 0 {
            return (width, height);
        }
        let scale = |side: u32| -> u32 {
            let v =
                (u64::from(side) * u64::from(max) + u64::from(longest) / 2) / u64::from(longest);
            (v as u32).max(1)
        };
        (scale(width), scale(height))
    }
}

impl fmt::Display for ThumbSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MediaSource {
    /// Sent to `POST /api/v1/media` (a screen or an integrator).
    Upload,
    /// Downloaded from the WhatsApp provider for an inbound message.
    Whatsapp,
}

impl MediaSource {
    pub const ALL: &'static [MediaSource] = &[MediaSource::Upload, MediaSource::Whatsapp];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaSource::Upload => "upload",
            MediaSource::Whatsapp => "whatsapp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }
}

/// A file's original name, made safe to store and show: path separators,
/// control and quoting characters become `_`, leading dots and spaces go,
/// at most 100 characters; letters of any script are kept. `None` when
/// nothing is left.
pub fn sanitise_name(name: &str) -> Option<String> {
    // A name sent with a path (`C:\photos\x.jpg`, `../x.jpg`) keeps its last part.
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')' | '+' | ',') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end()
        .to_string();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        None
    } else {
        Some(cleaned)
    }
}

/// The name a download is offered under: the stored name's stem (or
/// `media-<id>`) with the extension of the type the bytes really are, so a
/// PNG sent as `x.jpg` downloads as `x.png` and a PDF sent as `a.exe` as
/// `a.pdf`.
pub fn download_name(name: Option<&str>, kind: MediaKind, id: i64) -> String {
    let stem = name
        .and_then(sanitise_name)
        .map(|n| match n.rsplit_once('.') {
            Some((stem, _)) if !stem.trim().is_empty() => stem.trim_end().to_string(),
            _ => n,
        })
        .unwrap_or_else(|| format!("media-{id}"));
    format!("{stem}.{}", kind.extension())
}

// Stored values (the columns' CHECKs allow exactly these): anything else
// is a corrupt row.
macro_rules! stored {
    ($t:ty, $what:literal) => {
        impl TryFrom<String> for $t {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<Self, UnknownValue> {
                <$t>::parse(&value).ok_or(UnknownValue { what: $what, value })
            }
        }
    };
}
stored!(MediaKind, "media type");
stored!(ThumbSize, "thumbnail size");
stored!(MediaSource, "media source");

/// One thumbnail of an image (always a JPEG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThumbInfo {
    pub size: ThumbSize,
    pub width: u32,
    pub height: u32,
    /// Its length in bytes.
    pub bytes: u64,
}

/// A kept file, as the API describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaInfo {
    pub id: i64,
    /// The type its bytes are (whatever it was sent as).
    pub mime: MediaKind,
    /// Its length in bytes.
    pub bytes: u64,
    /// Pixels, as shown (after the photo's EXIF orientation); none for a PDF.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The original file name, made safe; none if it had none.
    pub name: Option<String>,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub source: MediaSource,
    /// ISO 8601, UTC.
    pub created_at: String,
    /// Largest first; empty for a PDF.
    pub thumbs: Vec<ThumbInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_HEAD: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    #[test]
    fn each_magic_is_recognised() {
        assert_eq!(
            MediaKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaKind::Jpeg)
        );
        assert_eq!(
            MediaKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE1]),
            Some(MediaKind::Jpeg)
        );
        assert_eq!(MediaKind::sniff(PNG_HEAD), Some(MediaKind::Png));
        assert_eq!(
            MediaKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaKind::Webp)
        );
        assert_eq!(
            MediaKind::sniff(b"%PDF-1.7\n%\xE2\xE3"),
            Some(MediaKind::Pdf)
        );
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        // A PNG renamed photo.jpg is a PNG: sniff never sees the name, and
        // the download gets the PNG extension.
        assert_eq!(MediaKind::sniff(PNG_HEAD), Some(MediaKind::Png));
        assert_eq!(
            download_name(Some("photo.jpg"), MediaKind::Png, 1),
            "photo.png"
        );
        assert_eq!(
            download_name(Some("invoice.exe"), MediaKind::Pdf, 1),
            "invoice.pdf"
        );
    }

    #[test]
    fn other_files_are_refused() {
        let refused: &[&[u8]] = &[
            b"",
            b"<!DOCTYPE html><html><script>alert(1)</script>",
            b"<html>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"<svg onload=alert(1)>",
            b"MZ\x90\0\x03\0\0\0",                 // a Windows executable
            b"\x7FELF\x02\x01\x01",                // a Linux one
            b"PK\x03\x04\x14\0",                   // zip (and docx, xlsx)
            b"GIF89a\x01\0\x01\0",                 // a GIF: not kept
            b"RIFF\x24\0\0\0WAVEfmt ",             // RIFF, but audio
            b"RIFF\x24\0\0\0WEB",                  // WebP cut short
            b"RIFFWEBP",                           // no size field
            &[0xFF, 0xD8],                         // JPEG cut short
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A], // PNG cut short
            b"%PDF",                               // no dash
            b" %PDF-1.4",                          // not at the start
            b"\xEF\xBB\xBF%PDF-1.4",               // a BOM first
        ];
        for bytes in refused {
            assert_eq!(MediaKind::sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn kinds_sizes_and_sources_parse_back() {
        for k in MediaKind::ALL {
            assert_eq!(MediaKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for t in ThumbSize::ALL {
            assert_eq!(ThumbSize::parse(t.as_str()), Some(*t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        for s in MediaSource::ALL {
            assert_eq!(MediaSource::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(MediaKind::parse("image/gif"), None);
        assert!(MediaKind::try_from("image/gif".to_string()).is_err());
        assert_eq!(
            ThumbSize::try_from("large".to_string()),
            Ok(ThumbSize::Large)
        );
        assert_eq!(ThumbSize::parse("Small"), None);
        assert_eq!(
            [ThumbSize::Small, ThumbSize::Medium, ThumbSize::Large].map(ThumbSize::longest_side),
            [160, 480, 1080]
        );
    }

    #[test]
    fn thumbnails_scale_down_only_and_keep_the_aspect() {
        assert_eq!(ThumbSize::Small.fit(4000, 3000), (160, 120));
        assert_eq!(ThumbSize::Medium.fit(3000, 4000), (360, 480));
        assert_eq!(ThumbSize::Large.fit(4032, 3024), (1080, 810));
        // Never up.
        assert_eq!(ThumbSize::Large.fit(800, 600), (800, 600));
        assert_eq!(ThumbSize::Small.fit(160, 10), (160, 10));
        // A sliver keeps a pixel.
        assert_eq!(ThumbSize::Small.fit(10_000, 1), (160, 1));
        assert_eq!(ThumbSize::Small.fit(0, 0), (0, 0));
        for (w, h) in [(1, 1), (161, 1), (5000, 4999), (1081, 1080)] {
            for t in ThumbSize::ALL {
                let (tw, th) = t.fit(w, h);
                assert!(tw.max(th) <= t.longest_side() || (tw, th) == (w, h));
                assert!(tw <= w && th <= h && tw >= 1 && th >= 1);
            }
        }
    }

    #[test]
    fn any_owning_module_grants_media() {
        use crate::perm::Permission;
        let user = |grants: &[(Module, Action)]| CurrentUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: vec![],
            permissions: grants
                .iter()
                .map(|(m, a)| Permission::new(*m, *a))
                .collect(),
            totp_enabled: false,
        };
        for m in OWNING_MODULES {
            let u = user(&[(*m, Action::Create)]);
            assert!(require(&u, Action::Create).is_ok(), "{m}");
            assert!(require(&u, Action::View).is_err(), "{m}");
        }
        let finance = user(&[
            (Module::Finance, Action::Create),
            (Module::Orders, Action::View),
        ]);
        let e = require(&finance, Action::Create).unwrap_err();
        assert_eq!(e.status(), 403);
        assert!(
            e.to_string().contains("maintenance, quality or whatsapp"),
            "{e}"
        );
        // The seeded roles: every one that reports breakdowns or defects may
        // attach a photo; finance sees none.
        let role = |r: &str| CurrentUser {
            permissions: crate::perm::default_grants(r),
            ..user(&[])
        };
        for r in [
            "admin",
            "operator",
            "supervisor",
            "maintenance",
            "quality",
            "planner",
        ] {
            assert!(require(&role(r), Action::Create).is_ok(), "{r}");
        }
        assert!(require(&role("warehouse"), Action::Create).is_err());
        assert!(require(&role("warehouse"), Action::View).is_ok());
        assert!(require(&role("finance"), Action::View).is_err());
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(
            sanitise_name("bear nose.jpg").as_deref(),
            Some("bear nose.jpg")
        );
        assert_eq!(sanitise_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            sanitise_name("C:\\photos\\m04.jpg").as_deref(),
            Some("m04.jpg")
        );
        assert_eq!(
            sanitise_name("a\"b\r\n;.png").as_deref(),
            Some("a_b___.png")
        );
        assert_eq!(
            sanitise_name("Ünïcödé ñame.jpg").as_deref(),
            Some("Ünïcödé ñame.jpg")
        );
        assert_eq!(sanitise_name(".hidden").as_deref(), Some("hidden"));
        assert_eq!(sanitise_name(""), None);
        assert_eq!(sanitise_name("///"), None);
        assert_eq!(sanitise_name("\"\""), None);
        assert_eq!(
            sanitise_name(&"x".repeat(300)).unwrap().chars().count(),
            100
        );
    }

    #[test]
    fn downloads_get_a_name_with_the_real_extension() {
        assert_eq!(download_name(None, MediaKind::Jpeg, 7), "media-7.jpg");
        assert_eq!(download_name(Some("scan"), MediaKind::Pdf, 7), "scan.pdf");
        assert_eq!(download_name(Some(".png"), MediaKind::Png, 7), "png.png");
        assert_eq!(
            download_name(Some("a.b.webp"), MediaKind::Webp, 7),
            "a.b.webp"
        );
        assert_eq!(
            download_name(Some("\r\n"), MediaKind::Png, 3),
            "media-3.png"
        );
    }
}
