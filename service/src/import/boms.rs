//! BOMs from CSV: one row per component line; the rows of one parent are
//! that parent's BOM (its lines, in file order). Columns:
//!
//! | column | |
//! |---|---|
//! | `parent`, `component` | item codes; required |
//! | `qty_per` | required: `0.25`, or by an attribute of the parent: `size: S=0.08\|M=0.12\|*=0.1` (`*` for the others) |
//! | `scrap_percent` | `5.5` for 5.5 %; empty for none |
//! | `line_no` | the line's number; empty for its place among the parent's rows (1, 2, …) |
//! | `follows` | component attributes taken from the parent: `colour` (same name) or `colour=body_colour`, separated by `;` |
//! | `fixed` | component attributes with one value: `colour=black; size=M` |
//!
//! Each BOM is saved by the BOM editor's own save ([`crate::bom::create_in`],
//! [`crate::bom::update_in`]) in the import's one transaction, parents in
//! the order they first appear: the same checks (items, quantities,
//! attributes, cycles — through the BOMs already saved by this import too),
//! and the same versioning (a parent whose current BOM an order uses gets a
//! new version). A parent with a BOM has its lines replaced; its routing
//! and variant overrides are kept.

use super::table::{optional, parts, problem, required, Column, Record};
use crate::bom::{create_in, current_form, update_in};
use crate::db::Tx;
use crate::error::Result;
use domain::auth::CurrentUser;
use domain::bom::{AttrRule, AttrSource, BomEdit, BomInput, BomIssue, BomLineInput, QtyRuleInput};
use domain::import::RowError;
use domain::master::{Code, Qty};
use std::collections::BTreeMap;

pub(super) const COLUMNS: &[Column] = &[
    required("parent"),
    required("component"),
    required("qty_per"),
    optional("scrap_percent"),
    optional("line_no"),
    optional("follows"),
    optional("fixed"),
];

/// Where a line of a BOM came from: its row, and how many of its attribute
/// rules came from `follows` (the rest from `fixed`).
struct LineMeta {
    row: u32,
    follows: usize,
    /// Columns whose values did not read (already reported; the line
    /// carries stand-ins for them).
    failed: Vec<&'static str>,
}

/// The rows of one parent.
pub(super) struct Group {
    parent: String,
    first_row: u32,
    lines: Vec<BomLineInput>,
    meta: Vec<LineMeta>,
}

/// `size: S=0.08|M=0.12|*=0.1`, or a plain quantity (checked by the save).
fn qty_cell(s: &str) -> std::result::Result<QtyRuleInput, String> {
    let Some((attribute, values)) = s.split_once(':') else {
        return Ok(QtyRuleInput::Fixed {
            qty: s.trim().to_string(),
        });
    };
    let bad =
        || "write a quantity such as 0.25, or attribute: value=qty|value=qty|*=qty".to_string();
    let mut map = BTreeMap::new();
    let mut default = None;
    for part in parts(values, '|') {
        let (k, q) = part.split_once('=').ok_or_else(bad)?;
        let (k, q) = (k.trim(), q.trim().to_string());
        let taken = if k == "*" {
            default.replace(q).is_some()
        } else {
            map.insert(k.to_string(), q).is_some()
        };
        if taken {
            return Err(format!("{k} is given twice"));
        }
    }
    Ok(QtyRuleInput::ByAttribute {
        attribute: attribute.trim().to_string(),
        values: map,
        default,
    })
}

/// `5.5` (%) as basis points (550).
fn scrap_cell(s: &str) -> std::result::Result<u32, String> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    let q = Qty::parse_non_negative("scrap_percent", s)
        .map_err(|e| e.field_error().map_or(e.to_string(), |f| f.message.clone()))?;
    let m = q.millionths();
    if m % 10_000 != 0 {
        return Err("use at most 2 decimal places".into());
    }
    u32::try_from(m / 10_000).map_err(|_| "must be between 0 and 100".into())
}

/// `colour; size=body_size` (follows) or `colour=black` (fixed) as rules.
fn rules_cell(s: &str, follow: bool) -> std::result::Result<Vec<AttrRule>, String> {
    parts(s, ';')
        .map(|part| {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (n.trim(), v.trim()),
                None if follow => (part, part),
                None => return Err(format!("write {part:?} as attribute=value")),
            };
            let source = if follow {
                AttrSource::Follow {
                    parent_attribute: value.to_string(),
                }
            } else {
                AttrSource::Fixed {
                    value: value.to_string(),
                }
            };
            Ok(AttrRule {
                component_attribute: name.to_string(),
                source,
            })
        })
        .collect()
}

/// Reads the records as BOM lines grouped by parent (in order of first
/// appearance); a problem for each value that does not read, every one of
/// a row's. Values the save checks (codes, quantities, attributes) are
/// left to it, and so that a row with a value that does not read still has
/// its others checked (its component, say), it goes to the save with a
/// stand-in for each such value (quantity 1, no scrap, no rules); the
/// save's issues about the stand-ins are not reported twice.
pub(super) fn map(records: &[Record], errors: &mut Vec<RowError>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for r in records {
        let mut failed: Vec<&'static str> = Vec::new();
        let mut fail = |column: &'static str, m: String| {
            failed.push(column);
            errors.push(problem(r.row, column, m));
        };
        let parent = Code::parse("parent", r.text(COLUMNS, "parent"))
            .map(Code::into_string)
            .map_err(|e| {
                fail(
                    "parent",
                    e.field_error().map_or(e.to_string(), |f| f.message.clone()),
                )
            });
        let qty = qty_cell(r.text(COLUMNS, "qty_per")).map_err(|m| fail("qty_per", m));
        let scrap_bp =
            scrap_cell(r.text(COLUMNS, "scrap_percent")).map_err(|m| fail("scrap_percent", m));
        let line_no = match r.text(COLUMNS, "line_no").trim() {
            "" => Ok(None),
            s => s
                .parse::<u32>()
                .map(Some)
                .map_err(|_| fail("line_no", "must be a whole number from 1".into())),
        };
        let follows = rules_cell(r.text(COLUMNS, "follows"), true).map_err(|m| fail("follows", m));
        let fixed = rules_cell(r.text(COLUMNS, "fixed"), false).map_err(|m| fail("fixed", m));
        let Ok(parent) = parent else {
            continue;
        };
        let at = match groups.iter().position(|g| g.parent == parent) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    parent,
                    first_row: r.row,
                    lines: vec![],
                    meta: vec![],
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[at];
        let mut attrs = follows.unwrap_or_default();
        let follows = attrs.len();
        attrs.extend(fixed.unwrap_or_default());
        let place = g.meta.len() as u32 + 1;
        g.lines.push(BomLineInput {
            // A stand-in number no other line has.
            line_no: match line_no {
                Ok(n) => n.unwrap_or(place),
                Err(()) => u32::MAX - place,
            },
            component: r.text(COLUMNS, "component").to_string(),
            qty: qty.unwrap_or(QtyRuleInput::Fixed { qty: "1".into() }),
            scrap_bp: scrap_bp.unwrap_or(0),
            attrs,
        });
        g.meta.push(LineMeta {
            row: r.row,
            follows,
            failed,
        });
    }
    groups
}

/// A save's issue as a problem at its row and column; none for an issue
/// about a stand-in for a value that did not read (reported already), nor
/// for a missing attribute rule when either rule column did not read (the
/// missing rule may be one that did not read).
fn at_row(g: &Group, issue: &BomIssue) -> Option<RowError> {
    let f = issue.field.as_str();
    let line = f
        .strip_prefix("lines[")
        .and_then(|r| r.split_once(']'))
        .and_then(|(i, tail)| Some((g.meta.get(i.parse::<usize>().ok()?)?, tail)));
    if let Some((meta, tail)) = line {
        let column = if tail.starts_with(".component") {
            "component"
        } else if tail.starts_with(".qty") {
            "qty_per"
        } else if tail.starts_with(".scrap_bp") {
            "scrap_percent"
        } else if tail.starts_with(".line_no") {
            "line_no"
        } else if let Some(j) = tail
            .strip_prefix(".attrs[")
            .and_then(|r| r.split(']').next())
            .and_then(|j| j.parse::<usize>().ok())
        {
            if j < meta.follows {
                "follows"
            } else {
                "fixed"
            }
        } else if tail == ".attrs" {
            // A component attribute without a rule: one is added in `follows`.
            "follows"
        } else {
            "row"
        };
        // A rule column that did not read stands in as no rules, so a
        // missing rule (".attrs") may be one of those: not reported.
        let stand_in = meta.failed.contains(&column)
            || (tail == ".attrs"
                && meta
                    .failed
                    .iter()
                    .any(|c| matches!(*c, "follows" | "fixed")));
        return (!stand_in).then(|| problem(meta.row, column, issue.message.clone()));
    }
    let message = if f.starts_with("operations") {
        format!("the routing kept from its BOM ({f}): {}", issue.message)
    } else if f.starts_with("overrides") {
        format!(
            "a variant override kept from its BOM ({f}): {}",
            issue.message
        )
    } else {
        issue.message.clone()
    };
    Some(problem(g.first_row, "parent", message))
}

/// Saves each group's BOM in `tx` through the BOM save; the problems of
/// those refused. Returns how many were created and updated; a BOM whose
/// lines are already those of the file is left alone.
pub(super) async fn save(
    tx: &mut Tx,
    user: &CurrentUser,
    groups: &[Group],
    errors: &mut Vec<RowError>,
    now: i64,
) -> Result<(u32, u32)> {
    let (mut created, mut updated) = (0, 0);
    for g in groups {
        let outcome = match current_form(tx, &g.parent).await? {
            None => {
                let form = BomInput {
                    item: g.parent.clone(),
                    version: 1,
                    lines: g.lines.clone(),
                    ..BomInput::default()
                };
                let out = create_in(tx, user, &form, now).await?;
                created += u32::from(out.is_ok());
                out
            }
            // The same lines again: nothing to write (no new revision, no
            // audit entry), and it counts as neither created nor updated.
            Some((_, _, form)) if form.lines == g.lines => continue,
            Some((id, revision, mut form)) => {
                form.lines = g.lines.clone();
                let edit = BomEdit {
                    revision,
                    bom: form,
                };
                let out = update_in(tx, user, id, &edit, now).await?;
                updated += u32::from(out.is_ok());
                out
            }
        };
        if let Err(issues) = outcome {
            errors.extend(issues.iter().filter_map(|i| at_row(g, i)));
        }
    }
    Ok((created, updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_cells() {
        assert_eq!(
            qty_cell(" 0.25 ").unwrap(),
            QtyRuleInput::Fixed { qty: "0.25".into() }
        );
        let QtyRuleInput::ByAttribute {
            attribute,
            values,
            default,
        } = qty_cell("size: S=0.08|M=0.12|*=0.1").unwrap()
        else {
            panic!("by attribute")
        };
        assert_eq!(attribute, "size");
        assert_eq!(values["M"], "0.12");
        assert_eq!(default.as_deref(), Some("0.1"));
        assert!(qty_cell("size: S").is_err());
        assert!(qty_cell("size: S=1|S=2").is_err());
    }

    #[test]
    fn scrap_is_percent_with_two_decimals() {
        assert_eq!(scrap_cell(""), Ok(0));
        assert_eq!(scrap_cell("5.5"), Ok(550));
        assert_eq!(scrap_cell("100"), Ok(10_000));
        assert!(scrap_cell("1.234").is_err());
        assert!(scrap_cell("-1").is_err());
        assert!(scrap_cell("abc").is_err());
    }

    #[test]
    fn attribute_rules() {
        let f = rules_cell("colour; size=body_size", true).unwrap();
        assert_eq!(f[0].component_attribute, "colour");
        assert_eq!(
            f[1].source,
            AttrSource::Follow {
                parent_attribute: "body_size".into()
            }
        );
        let x = rules_cell("colour=black", false).unwrap();
        assert_eq!(
            x[0].source,
            AttrSource::Fixed {
                value: "black".into()
            }
        );
        assert!(rules_cell("colour", false).is_err());
    }
}
