//! Checking a BOM form against master data: every problem at once, each
//! naming its line or routing step and its field. Values that do not parse
//! become issues too (the rest of the form is still checked), so the editor
//! can show every problem at its line in one round trip.

use super::catalog::{self, Loaded};
use crate::error::Result;
use domain::bom::{validate, Bom, BomInput, BomIssue, IssueKind, Operation, VariantOverride};
use domain::master::Code;
use domain::AppError;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// A form checked: the BOM as far as it parsed, its catalog, every issue.
pub(super) struct Checked {
    pub bom: Bom,
    pub loaded: Loaded,
    pub issues: Vec<BomIssue>,
}

fn issue(e: AppError, line: Option<u32>, operation: Option<u32>) -> BomIssue {
    let (field, message) = match e.field_error() {
        Some(f) => (f.field.clone(), f.message.clone()),
        None => ("body".to_string(), e.to_string()),
    };
    let kind = if message == "must be more than zero" && field.contains(".qty") {
        IssueKind::NonPositiveQty
    } else {
        IssueKind::Invalid
    };
    BomIssue {
        kind,
        line,
        operation,
        field,
        message,
    }
}

/// Where a field sits in the form, for sorting issues in form order:
/// item, then lines, operations and overrides by index.
fn form_order(field: &str) -> (u8, usize) {
    let section = |p: &str| -> Option<usize> {
        let rest = field.strip_prefix(p)?.strip_prefix('[')?;
        rest.split(']').next()?.parse().ok()
    };
    if let Some(i) = section("lines") {
        (1, i)
    } else if let Some(i) = section("operations") {
        (2, i)
    } else if let Some(i) = section("overrides") {
        (3, i)
    } else {
        (0, 0)
    }
}

/// Where each parsed part was in the form (parts that did not parse are
/// left out of the BOM, so indexes shift).
#[derive(Default)]
struct Places {
    lines: Vec<usize>,
    operations: Vec<usize>,
    overrides: Vec<usize>,
}

impl Places {
    /// `lines[1].qty` of the parsed BOM as the form's field (`lines[2].qty`).
    fn form_field(&self, field: &str) -> String {
        for (section, places) in [
            ("lines", &self.lines),
            ("operations", &self.operations),
            ("overrides", &self.overrides),
        ] {
            let Some(rest) = field
                .strip_prefix(section)
                .and_then(|r| r.strip_prefix('['))
            else {
                continue;
            };
            let Some((n, tail)) = rest.split_once(']') else {
                continue;
            };
            if let Some(orig) = n.parse::<usize>().ok().and_then(|i| places.get(i)) {
                return format!("{section}[{orig}]{tail}");
            }
        }
        field.to_string()
    }
}

type Parsed = (Bom, Vec<BomIssue>, BTreeSet<u32>, Places);

/// Parses what parses, collecting an issue for each part that does not.
fn parse_leniently(form: &BomInput) -> Result<Parsed, BomIssue> {
    let item = Code::parse("item", &form.item)
        .map_err(|e| issue(e, None, None))?
        .into_string();
    let mut issues = Vec::new();
    let mut places = Places::default();
    let mut failed_lines = BTreeSet::new();
    let mut lines = Vec::with_capacity(form.lines.len());
    for (i, l) in form.lines.iter().enumerate() {
        match l.parse(&format!("lines[{i}]")) {
            Ok(l) => {
                lines.push(l);
                places.lines.push(i);
            }
            Err(e) => {
                failed_lines.insert(l.line_no);
                issues.push(issue(e, Some(l.line_no), None));
            }
        }
    }
    let mut operations: Vec<Operation> = Vec::with_capacity(form.operations.len());
    for (k, o) in form.operations.iter().enumerate() {
        match o.parse(&format!("operations[{k}]")) {
            Ok(o) => {
                operations.push(o);
                places.operations.push(k);
            }
            Err(e) => issues.push(issue(e, None, Some(o.seq))),
        }
    }
    let mut overrides: Vec<VariantOverride> = Vec::with_capacity(form.overrides.len());
    for (i, o) in form.overrides.iter().enumerate() {
        // Parsed as the only override of a form, then renamed to its place.
        let one = BomInput {
            item: item.clone(),
            version: 1,
            overrides: vec![o.clone()],
            ..BomInput::default()
        };
        match one.parse() {
            Ok(mut b) => {
                overrides.extend(b.overrides.pop());
                places.overrides.push(i);
            }
            Err(e) => {
                let mut is = issue(e, None, None);
                if let Some(rest) = is.field.strip_prefix("overrides[0]") {
                    is.field = format!("overrides[{i}]{rest}");
                }
                issues.push(is);
            }
        }
    }
    let bom = Bom {
        item,
        version: form.version.max(1),
        lines,
        operations,
        overrides,
    };
    Ok((bom, issues, failed_lines, places))
}

/// The components of lines that did not parse (a bad quantity, say), still
/// checked: an unknown, archived or self-referring item, or a component
/// that is not a code, must not hide behind another problem of its line.
/// `parsed` holds the indexes of the lines that parsed, in order;
/// `reported` the issues so far.
async fn unparsed_components(
    conn: &mut AnyConnection,
    form: &BomInput,
    parent: &str,
    parsed: &[usize],
    reported: &[BomIssue],
) -> Result<Vec<BomIssue>> {
    if parsed.len() == form.lines.len() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    let mut unparsed: Vec<(usize, String)> = Vec::new();
    for i in (0..form.lines.len()).filter(|i| parsed.binary_search(i).is_err()) {
        let line = &form.lines[i];
        match Code::parse(&format!("lines[{i}].component"), &line.component) {
            Ok(code) => unparsed.push((i, code.into_string())),
            // Not a code: reported here unless the line's parse said so.
            Err(e)
                if !reported
                    .iter()
                    .any(|r| r.field == format!("lines[{i}].component")) =>
            {
                out.push(issue(e, Some(line.line_no), None));
            }
            Err(_) => {}
        }
    }
    if unparsed.is_empty() {
        return Ok(out);
    }
    let codes: Vec<&str> = unparsed.iter().map(|(_, c)| c.as_str()).collect();
    let found = catalog::items_by_codes(conn, &codes).await?;
    for (i, code) in unparsed {
        let line = &form.lines[i];
        let (kind, message) = match found.iter().find(|r| r.code == code) {
            _ if code == parent => (
                IssueKind::SelfComponent,
                format!("{code} cannot be a component of itself"),
            ),
            None => (IssueKind::MissingItem, format!("there is no item {code}")),
            Some(r) if r.archived_at.is_some() => {
                (IssueKind::ArchivedItem, format!("{code} is archived"))
            }
            Some(_) => continue,
        };
        out.push(BomIssue {
            kind,
            line: Some(line.line_no),
            operation: None,
            field: format!("lines[{i}].component"),
            message,
        });
    }
    Ok(out)
}

/// Checks `form` against the database as `conn` sees it.
pub(super) async fn check(conn: &mut AnyConnection, form: &BomInput) -> Result<Checked> {
    let (bom, mut issues, failed_lines, places) = match parse_leniently(form) {
        Ok(parsed) => parsed,
        Err(item_issue) => {
            return Ok(Checked {
                bom: Bom {
                    item: String::new(),
                    version: 1,
                    lines: vec![],
                    operations: vec![],
                    overrides: vec![],
                },
                loaded: Loaded::default(),
                issues: vec![item_issue],
            })
        }
    };
    let loaded = catalog::load(conn, &bom, None).await?;
    issues.extend(
        validate(&bom, &loaded.catalog)
            .into_iter()
            .filter(|i| {
                // A line that did not parse is not "missing" for overrides naming it.
                !(i.kind == IssueKind::MissingLine
                    && i.line.is_some_and(|l| failed_lines.contains(&l)))
            })
            .map(|mut i| {
                i.field = places.form_field(&i.field);
                i
            }),
    );
    let more = unparsed_components(conn, form, &bom.item, &places.lines, &issues).await?;
    issues.extend(more);
    issues.sort_by_key(|i| form_order(&i.field));
    Ok(Checked {
        bom,
        loaded,
        issues,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_the_parsed_bom_map_back_to_the_form() {
        let places = Places {
            lines: vec![0, 2],
            operations: vec![1],
            overrides: vec![],
        };
        assert_eq!(places.form_field("lines[1].qty"), "lines[2].qty");
        assert_eq!(
            places.form_field("operations[0].work_centre"),
            "operations[1].work_centre"
        );
        assert_eq!(places.form_field("item"), "item");
    }

    #[test]
    fn form_order_sorts_by_section_then_index() {
        assert!(form_order("item") < form_order("lines[0].qty"));
        assert!(form_order("lines[10].qty") > form_order("lines[2].component"));
        assert!(form_order("operations[0].seq") < form_order("overrides[0].when"));
    }
}
