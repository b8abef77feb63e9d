//! The lines of a BOM as they apply to one variant of its style: overrides
//! applied, each component's variant and quantity worked out.

use super::model::{AttrSource, Bom, BomLine, Change, QtyRule};
use crate::error::AppError;
use crate::master::{Qty, Variant};

/// One effective line for a concrete parent variant.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedLine {
    pub line_no: u32,
    pub component: String,
    /// The component's variant, from the line's attribute rules.
    pub component_variant: Variant,
    /// Quantity per one parent, before scrap.
    pub qty_per: Qty,
    pub scrap_bp: u32,
}

fn broken(bom: &Bom, what: String) -> AppError {
    AppError::conflict(format!(
        "the bill of materials of {} v{} {what}",
        bom.item, bom.version
    ))
}

/// The lines that apply to `parent`: the BOM's lines with each matching
/// override applied in order (add, remove, replace), sorted by line number.
/// An override that removes or replaces a line not there, or adds one
/// already there, is a conflict (validation refuses such BOMs).
pub fn effective_lines<'a>(bom: &'a Bom, parent: &Variant) -> Result<Vec<&'a BomLine>, AppError> {
    let mut lines: Vec<&BomLine> = bom.lines.iter().collect();
    for o in bom.overrides.iter().filter(|o| parent.matches(&o.when)) {
        let pos = |no: u32, lines: &[&BomLine]| lines.iter().position(|l| l.line_no == no);
        match &o.change {
            Change::Add { line } => {
                if pos(line.line_no, &lines).is_some() {
                    return Err(broken(bom, format!("adds line {} twice", line.line_no)));
                }
                lines.push(line);
            }
            Change::Remove { line_no } => {
                let i = pos(*line_no, &lines).ok_or_else(|| {
                    broken(bom, format!("removes line {line_no}, which is not there"))
                })?;
                lines.remove(i);
            }
            Change::Replace { line_no, line } => {
                let i = pos(*line_no, &lines).ok_or_else(|| {
                    broken(bom, format!("replaces line {line_no}, which is not there"))
                })?;
                lines[i] = line;
            }
        }
    }
    lines.sort_by_key(|l| l.line_no);
    Ok(lines)
}

/// The quantity of a line per one of `parent`.
pub fn qty_per(bom: &Bom, line: &BomLine, parent: &Variant) -> Result<Qty, AppError> {
    match &line.qty {
        QtyRule::Fixed { qty } => Ok(*qty),
        QtyRule::ByAttribute {
            attribute,
            values,
            default,
        } => {
            let v = parent.get(attribute).ok_or_else(|| {
                broken(
                    bom,
                    format!(
                        "sizes line {} by {attribute}, which the variant lacks",
                        line.line_no
                    ),
                )
            })?;
            values.get(v).or(default.as_ref()).copied().ok_or_else(|| {
                broken(
                    bom,
                    format!(
                        "has no quantity on line {} for {attribute}={v}",
                        line.line_no
                    ),
                )
            })
        }
    }
}

/// The component's variant on a line for `parent`.
pub fn component_variant(bom: &Bom, line: &BomLine, parent: &Variant) -> Result<Variant, AppError> {
    let mut v = Variant::new();
    for r in &line.attrs {
        let value = match &r.source {
            AttrSource::Fixed { value } => value.clone(),
            AttrSource::Follow { parent_attribute } => parent
                .get(parent_attribute)
                .ok_or_else(|| {
                    broken(
                        bom,
                        format!(
                            "takes {} on line {} from {parent_attribute}, which the variant lacks",
                            r.component_attribute, line.line_no
                        ),
                    )
                })?
                .to_string(),
        };
        v.0.insert(r.component_attribute.clone(), value);
    }
    Ok(v)
}

/// Every effective line for `parent` with its component variant and
/// quantity per parent.
pub fn resolve(bom: &Bom, parent: &Variant) -> Result<Vec<ResolvedLine>, AppError> {
    effective_lines(bom, parent)?
        .into_iter()
        .map(|l| {
            Ok(ResolvedLine {
                line_no: l.line_no,
                component: l.component.clone(),
                component_variant: component_variant(bom, l, parent)?,
                qty_per: qty_per(bom, l, parent)?,
                scrap_bp: l.scrap_bp,
            })
        })
        .collect()
}
