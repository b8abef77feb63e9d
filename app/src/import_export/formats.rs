//! What the import screen says about each kind of file — its columns, a
//! template, who may import it — and the checks made in the browser before
//! a file is sent. Pure: unit-tested without a browser or a server. The
//! formats themselves are the service's (`service/src/import/`).

use domain::import::{ImportReport, MAX_BYTES, MAX_ROWS};
use domain::perm::Module;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Items,
    Boms,
}

/// One column of a file: its header, whether it is required, what it holds.
pub struct ColumnDoc {
    pub name: &'static str,
    pub required: bool,
    pub what: &'static str,
}

const fn col(name: &'static str, required: bool, what: &'static str) -> ColumnDoc {
    ColumnDoc {
        name,
        required,
        what,
    }
}

const ITEM_COLUMNS: &[ColumnDoc] = &[
    col(
        "code",
        true,
        "The item's code. An existing code updates that item; a new one creates it.",
    ),
    col("name", true, "The item's name."),
    col("kind", true, "raw, component or finished."),
    col("unit", true, "A unit's code, such as PCS, M or KG."),
    col(
        "standard_cost_minor",
        false,
        "The standard cost in whole cents (1250 = 12.50).",
    ),
    col(
        "attributes",
        false,
        "Variant attributes and their values: size=S|M|L; colour=brown|white. Empty for none.",
    ),
    col(
        "embroidery_design",
        false,
        "An embroidery design's code; empty for none.",
    ),
];

const BOM_COLUMNS: &[ColumnDoc] = &[
    col(
        "parent",
        true,
        "The item whose BOM this row is a line of; all rows of a parent make its BOM.",
    ),
    col("component", true, "The component's item code."),
    col(
        "qty_per",
        true,
        "Quantity per parent: 0.25, or by an attribute of the parent: size: S=0.08|M=0.12|*=0.1 (* for the others).",
    ),
    col("scrap_percent", false, "Scrap in percent: 5.5; empty for none."),
    col(
        "line_no",
        false,
        "The line's number; empty for its place among the parent's rows.",
    ),
    col(
        "follows",
        false,
        "Component attributes taken from the parent: colour, or colour=body_colour; separated by ;",
    ),
    col(
        "fixed",
        false,
        "Component attributes with one value: colour=black; size=M",
    ),
];

/// An example file of items (valid against the demo plant's units).
const ITEM_TEMPLATE: &str = "code,name,kind,unit,standard_cost_minor,attributes,embroidery_design
EX-BEAR,Teddy bear,finished,PCS,1250,size=S|M|L; colour=brown|white,
EX-FUR,Plush fur,raw,M,1850,colour=brown|white,
EX-EYE,Safety eye 10 mm,raw,PCS,8,,
";

/// An example file of BOMs, for the items of [`ITEM_TEMPLATE`].
const BOM_TEMPLATE: &str = "parent,component,qty_per,scrap_percent,line_no,follows,fixed
EX-BEAR,EX-FUR,size: S=0.2|M=0.3|L=0.4,5,,colour,
EX-BEAR,EX-EYE,2,,,,
";

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Items, Kind::Boms];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Items => "Items",
            Kind::Boms => "BOMs",
        }
    }

    /// The name used in test ids and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Items => "items",
            Kind::Boms => "boms",
        }
    }

    pub fn columns(self) -> &'static [ColumnDoc] {
        match self {
            Kind::Items => ITEM_COLUMNS,
            Kind::Boms => BOM_COLUMNS,
        }
    }

    pub fn template(self) -> &'static str {
        match self {
            Kind::Items => ITEM_TEMPLATE,
            Kind::Boms => BOM_TEMPLATE,
        }
    }

    /// The module whose CREATE and UPDATE an import of this kind needs (the
    /// service checks it; the screen says so before anyone tries).
    pub fn module(self) -> Module {
        match self {
            Kind::Items => Module::Master,
            Kind::Boms => Module::Warehouse,
        }
    }

    /// "item"/"items" or "BOM"/"BOMs", for `n` of them.
    fn noun(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Kind::Items, true) => "item",
            (Kind::Items, false) => "items",
            (Kind::Boms, true) => "BOM",
            (Kind::Boms, false) => "BOMs",
        }
    }
}

/// `text` as a `data:` URL a link can download.
pub fn data_url(text: &str) -> String {
    let mut out = String::from("data:text/csv;charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What the browser checks before sending: something to send, at most
/// [`MAX_BYTES`], and no control characters (the server refuses them).
pub fn precheck(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("pick a CSV file or paste its text".into());
    }
    if text.len() > MAX_BYTES {
        return Err(format!(
            "is {} — larger than 5 MB; split the file into smaller ones",
            size(text.len())
        ));
    }
    if !crate::codec::clean_text(text) {
        return Err(
            "contains control characters; save the file as CSV UTF-8 (comma separated)".into(),
        );
    }
    Ok(())
}

/// A picked file's text as the browser decoded it (UTF-8, a bad byte
/// becoming U+FFFD): refused, as the server refuses it, unless it is UTF-8.
pub fn loaded(name: &str, text: String) -> Result<String, String> {
    if text.contains('\u{fffd}') {
        return Err(format!(
            "{name} is not UTF-8 text; save it as CSV UTF-8 (comma separated) and pick it again"
        ));
    }
    Ok(text)
}

/// A byte count for people: `812 bytes`, `14.2 KB`, `3.1 MB`.
pub fn size(bytes: usize) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// The limits, as the screen states them.
pub fn limits() -> String {
    format!("At most 5 MB and {MAX_ROWS} rows; UTF-8, comma separated, the first row names the columns.")
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One sentence saying what a dry run or a commit did (or would do).
pub fn summary(kind: Kind, r: &ImportReport) -> String {
    let rows = plural(r.rows, "row", "rows");
    let problems = plural(r.errors.len() as u32, "problem", "problems");
    let (c, u) = (r.created, r.updated);
    match (r.dry_run, r.errors.is_empty()) {
        (true, true) => format!(
            "Checked {rows}: {c} {} would be created and {u} updated. Nothing was written.",
            kind.noun(c)
        ),
        (true, false) => format!(
            "Checked {rows}: {problems}. Nothing was written; fix them and check again."
        ),
        (false, true) => format!("Imported {rows}: {c} {} created, {u} updated.", kind.noun(c)),
        (false, false) => format!(
            "Nothing was imported: {problems} (the data changed since the check). Fix them and check again."
        ),
    }
}

/// Whether `text` of `kind` is what the last clean dry run checked (the
/// only text the Import button sends).
pub fn ready(checked: Option<&(Kind, String)>, kind: Kind, text: &str) -> bool {
    checked.is_some_and(|(k, t)| *k == kind && t == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::import::RowError;

    fn report(dry_run: bool, created: u32, updated: u32, errors: usize) -> ImportReport {
        ImportReport {
            dry_run,
            rows: created + updated + errors as u32,
            created,
            updated,
            errors: (0..errors)
                .map(|i| RowError {
                    row: i as u32 + 2,
                    field: "code".into(),
                    message: "is required".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn templates_have_every_column_in_order_and_one_value_per_column() {
        for kind in Kind::ALL {
            let mut lines = kind.template().lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            let names: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
            assert_eq!(header, names, "{kind:?}");
            for line in lines {
                assert_eq!(line.split(',').count(), names.len(), "{kind:?}: {line}");
            }
            assert!(precheck(kind.template()).is_ok());
        }
    }

    #[test]
    fn data_url_escapes_everything_but_unreserved_characters() {
        assert_eq!(
            data_url("a,b\nS|M; x=1"),
            "data:text/csv;charset=utf-8,a%2Cb%0AS%7CM%3B%20x%3D1"
        );
        assert_eq!(data_url("é"), "data:text/csv;charset=utf-8,%C3%A9");
    }

    #[test]
    fn precheck_refuses_empty_oversized_and_control_characters() {
        assert!(precheck(" \n").unwrap_err().contains("pick a CSV file"));
        let big = "a".repeat(MAX_BYTES + 1);
        assert!(precheck(&big).unwrap_err().contains("larger than 5 MB"));
        assert!(precheck(&"a".repeat(MAX_BYTES)).is_ok());
        assert!(precheck("code\u{0}\n").unwrap_err().contains("control"));
        assert!(precheck("code,name\r\nA,\"x\ty\"\r\n").is_ok());
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_by_name() {
        assert_eq!(loaded("a.csv", "code\nA\n".into()), Ok("code\nA\n".into()));
        let e = loaded("latin.csv", "code\nCaf\u{fffd}\n".into()).unwrap_err();
        assert!(e.starts_with("latin.csv is not UTF-8"), "{e}");
    }

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(14_540), "14.2 KB");
        assert_eq!(size(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn summaries_say_whether_anything_was_written() {
        let s = summary(Kind::Items, &report(true, 3, 1, 0));
        assert_eq!(
            s,
            "Checked 4 rows: 3 items would be created and 1 updated. Nothing was written."
        );
        let s = summary(Kind::Boms, &report(true, 1, 0, 2));
        assert_eq!(
            s,
            "Checked 3 rows: 2 problems. Nothing was written; fix them and check again."
        );
        let s = summary(Kind::Boms, &report(false, 1, 2, 0));
        assert_eq!(s, "Imported 3 rows: 1 BOM created, 2 updated.");
        let s = summary(Kind::Items, &report(false, 0, 0, 1));
        assert!(s.starts_with("Nothing was imported: 1 problem "), "{s}");
    }

    #[test]
    fn import_is_ready_only_for_the_text_and_kind_checked() {
        let checked = (Kind::Items, "code\nA\n".to_string());
        assert!(ready(Some(&checked), Kind::Items, "code\nA\n"));
        assert!(!ready(Some(&checked), Kind::Items, "code\nB\n"));
        assert!(!ready(Some(&checked), Kind::Boms, "code\nA\n"));
        assert!(!ready(None, Kind::Items, "code\nA\n"));
    }
}
