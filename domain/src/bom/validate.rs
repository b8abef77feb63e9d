//! Checks a BOM against master data before it is saved: every problem at
//! once, each with the line or routing step and the form field it concerns.

use super::catalog::{Catalog, ItemInfo};
use super::cycles::check_cycles;
use super::model::{AttrSource, Bom, BomLine, Change, QtyRule, RunTime};
use super::wire::{BomIssue, IssueKind};
use crate::error::AppError;
use crate::master::Attribute;
use std::collections::BTreeSet;

/// How many levels of components an explosion follows.
pub const MAX_DEPTH: usize = 32;

pub(super) struct Issues(pub Vec<BomIssue>);

impl Issues {
    pub(super) fn line(&mut self, kind: IssueKind, line: u32, field: String, message: String) {
        self.0.push(BomIssue {
            kind,
            line: Some(line),
            operation: None,
            field,
            message,
        });
    }
    fn op(&mut self, kind: IssueKind, seq: u32, field: String, message: String) {
        self.0.push(BomIssue {
            kind,
            line: None,
            operation: Some(seq),
            field,
            message,
        });
    }
    fn other(&mut self, kind: IssueKind, field: String, message: String) {
        self.0.push(BomIssue {
            kind,
            line: None,
            operation: None,
            field,
            message,
        });
    }
}

fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.name == name)
}

/// Every problem with `bom`, in form order (empty when it may be saved).
/// Components' own BOMs come from `catalog`, except that `bom` stands in for
/// its item's current BOM, so a cycle through the version being saved is found.
pub fn validate(bom: &Bom, catalog: &dyn Catalog) -> Vec<BomIssue> {
    let mut out = Issues(Vec::new());
    let parent = catalog.item(&bom.item);
    match parent {
        None => out.other(
            IssueKind::UnknownParent,
            "item".into(),
            format!("there is no item {}", bom.item),
        ),
        Some(p) if p.archived => out.other(
            IssueKind::UnknownParent,
            "item".into(),
            format!("{} is archived", bom.item),
        ),
        Some(_) => {}
    }
    let mut seen = BTreeSet::new();
    for (i, l) in bom.lines.iter().enumerate() {
        if !seen.insert(l.line_no) {
            out.line(
                IssueKind::DuplicateLine,
                l.line_no,
                format!("lines[{i}].line_no"),
                format!("line {} is listed twice", l.line_no),
            );
        }
    }
    for (path, line) in bom.all_lines() {
        check_line(&mut out, bom, parent, catalog, &path, line);
    }
    check_overrides(&mut out, bom, parent);
    check_operations(&mut out, bom, catalog);
    check_cycles(&mut out, bom, catalog);
    out.0
}

fn check_line(
    out: &mut Issues,
    bom: &Bom,
    parent: Option<&ItemInfo>,
    catalog: &dyn Catalog,
    path: &str,
    line: &BomLine,
) {
    let no = line.line_no;
    let component = if line.component == bom.item {
        out.line(
            IssueKind::SelfComponent,
            no,
            format!("{path}.component"),
            format!("{} cannot be a component of itself", bom.item),
        );
        None
    } else {
        match catalog.item(&line.component) {
            None => {
                out.line(
                    IssueKind::MissingItem,
                    no,
                    format!("{path}.component"),
                    format!("there is no item {}", line.component),
                );
                None
            }
            Some(c) => {
                if c.archived {
                    out.line(
                        IssueKind::ArchivedItem,
                        no,
                        format!("{path}.component"),
                        format!("{} is archived", line.component),
                    );
                }
                Some(c)
            }
        }
    };
    match &line.qty {
        QtyRule::Fixed { qty } => {
            if !qty.is_positive() {
                out.line(
                    IssueKind::NonPositiveQty,
                    no,
                    format!("{path}.qty"),
                    "the quantity must be more than zero".into(),
                );
            }
        }
        QtyRule::ByAttribute {
            attribute,
            values,
            default,
        } => {
            let pa = parent.map(|p| attr(&p.attributes, attribute));
            if pa == Some(None) {
                out.line(
                    IssueKind::AttributeValue,
                    no,
                    format!("{path}.qty.attribute"),
                    format!("{} has no attribute {attribute}", bom.item),
                );
            }
            for (v, q) in values {
                if let Some(Some(a)) = pa {
                    if !a.allows(v) {
                        out.line(
                            IssueKind::AttributeValue,
                            no,
                            format!("{path}.qty.values.{v}"),
                            format!("{} has no {attribute} {v}", bom.item),
                        );
                    }
                }
                if !q.is_positive() {
                    out.line(
                        IssueKind::NonPositiveQty,
                        no,
                        format!("{path}.qty.values.{v}"),
                        format!("the quantity for {attribute} {v} must be more than zero"),
                    );
                }
            }
            match default {
                Some(d) if !d.is_positive() => out.line(
                    IssueKind::NonPositiveQty,
                    no,
                    format!("{path}.qty.default"),
                    "the default quantity must be more than zero".into(),
                ),
                Some(_) => {}
                None => {
                    if let Some(Some(a)) = pa {
                        for v in a.values.iter().filter(|v| !values.contains_key(*v)) {
                            out.line(
                                IssueKind::MissingQty,
                                no,
                                format!("{path}.qty.values"),
                                format!("give a quantity for {attribute} {v} or a default"),
                            );
                        }
                    }
                }
            }
        }
    }
    if line.scrap_bp > 10_000 {
        out.line(
            IssueKind::ScrapOutOfRange,
            no,
            format!("{path}.scrap_bp"),
            "scrap must be between 0 and 10000 basis points (0–100 %)".into(),
        );
    }
    let Some(component) = component else { return };
    let mut ruled = BTreeSet::new();
    for (j, r) in line.attrs.iter().enumerate() {
        let at = format!("{path}.attrs[{j}]");
        let name = &r.component_attribute;
        if !ruled.insert(name.as_str()) {
            out.line(
                IssueKind::AttributeRule,
                no,
                format!("{at}.component_attribute"),
                format!("{name} has two rules"),
            );
        }
        let Some(ca) = attr(&component.attributes, name) else {
            out.line(
                IssueKind::AttributeValue,
                no,
                format!("{at}.component_attribute"),
                format!("{} has no attribute {name}", line.component),
            );
            continue;
        };
        match &r.source {
            AttrSource::Fixed { value } => {
                if !ca.allows(value) {
                    out.line(
                        IssueKind::AttributeValue,
                        no,
                        format!("{at}.source.value"),
                        format!("{} has no {name} {value}", line.component),
                    );
                }
            }
            AttrSource::Follow { parent_attribute } => {
                let Some(p) = parent else { continue };
                match attr(&p.attributes, parent_attribute) {
                    None => out.line(
                        IssueKind::AttributeValue,
                        no,
                        format!("{at}.source.parent_attribute"),
                        format!("{} has no attribute {parent_attribute} to follow", bom.item),
                    ),
                    Some(pa) => {
                        for v in pa.values.iter().filter(|v| !ca.allows(v)) {
                            out.line(
                                IssueKind::AttributeValue,
                                no,
                                format!("{at}.source.parent_attribute"),
                                format!(
                                    "{} has no {name} {v}, which {} {parent_attribute} can be",
                                    line.component, bom.item
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    for a in component
        .attributes
        .iter()
        .filter(|a| !ruled.contains(a.name.as_str()))
    {
        out.line(
            IssueKind::AttributeRule,
            no,
            format!("{path}.attrs"),
            format!("say how {}'s {} is chosen", line.component, a.name),
        );
    }
}

fn check_overrides(out: &mut Issues, bom: &Bom, parent: Option<&ItemInfo>) {
    let base: BTreeSet<u32> = bom.lines.iter().map(|l| l.line_no).collect();
    let mut known = base.clone();
    let mut removed = BTreeSet::new();
    for (i, o) in bom.overrides.iter().enumerate() {
        if let Some(p) = parent {
            for (a, v) in &o.when.0 {
                match attr(&p.attributes, a) {
                    None => out.other(
                        IssueKind::AttributeValue,
                        format!("overrides[{i}].when.{a}"),
                        format!("{} has no attribute {a}", bom.item),
                    ),
                    Some(pa) if !pa.allows(v) => out.other(
                        IssueKind::AttributeValue,
                        format!("overrides[{i}].when.{a}"),
                        format!("{} has no {a} {v}", bom.item),
                    ),
                    Some(_) => {}
                }
            }
        }
        match &o.change {
            Change::Add { line } => {
                if base.contains(&line.line_no) && !removed.contains(&line.line_no) {
                    out.line(
                        IssueKind::DuplicateLine,
                        line.line_no,
                        format!("overrides[{i}].change.line.line_no"),
                        format!("line {} is already there; replace it instead", line.line_no),
                    );
                }
                known.insert(line.line_no);
            }
            Change::Remove { line_no } | Change::Replace { line_no, .. } => {
                if !known.contains(line_no) {
                    out.line(
                        IssueKind::MissingLine,
                        *line_no,
                        format!("overrides[{i}].change.line_no"),
                        format!("there is no line {line_no}"),
                    );
                }
                if matches!(o.change, Change::Remove { .. }) {
                    removed.insert(*line_no);
                }
                if let Change::Replace { line, .. } = &o.change {
                    if line.line_no != *line_no {
                        out.line(
                            IssueKind::LineNumberChanged,
                            *line_no,
                            format!("overrides[{i}].change.line.line_no"),
                            format!("the replacement keeps line number {line_no}"),
                        );
                    }
                }
            }
        }
    }
}

fn check_operations(out: &mut Issues, bom: &Bom, catalog: &dyn Catalog) {
    let mut seen = BTreeSet::new();
    for (k, op) in bom.operations.iter().enumerate() {
        let at = format!("operations[{k}]");
        if !seen.insert(op.seq) {
            out.op(
                IssueKind::DuplicateOperation,
                op.seq,
                format!("{at}.seq"),
                format!("step {} is listed twice", op.seq),
            );
        }
        match catalog.work_centre(&op.work_centre) {
            None => out.op(
                IssueKind::MissingWorkCentre,
                op.seq,
                format!("{at}.work_centre"),
                format!("there is no work centre {}", op.work_centre),
            ),
            Some(wc) if wc.archived => out.op(
                IssueKind::ArchivedWorkCentre,
                op.seq,
                format!("{at}.work_centre"),
                format!("{} is archived", op.work_centre),
            ),
            Some(_) => {}
        }
        if op.setup_minutes.is_negative() {
            out.op(
                IssueKind::NegativeMinutes,
                op.seq,
                format!("{at}.setup_minutes"),
                "setup minutes must not be negative".into(),
            );
        }
        match &op.run {
            RunTime::PerUnit { minutes } => {
                if minutes.is_negative() {
                    out.op(
                        IssueKind::NegativeMinutes,
                        op.seq,
                        format!("{at}.run.minutes"),
                        "run minutes must not be negative".into(),
                    );
                }
            }
            RunTime::Embroidery { design } => {
                if catalog.design(design).is_none() {
                    out.op(
                        IssueKind::UnknownDesign,
                        op.seq,
                        format!("{at}.run.design"),
                        format!("there is no embroidery design {design}"),
                    );
                }
                match catalog.embroidery_machine_for(&op.work_centre) {
                    Some(m) if m.stitches_per_minute > 0 && m.heads > 0 => {}
                    _ => out.op(
                        IssueKind::NoEmbroideryMachine,
                        op.seq,
                        format!("{at}.work_centre"),
                        format!("{} has no working embroidery machine", op.work_centre),
                    ),
                }
            }
        }
    }
}

/// The first issue as a field error (the service sends the full list too).
pub fn issues_to_error(issues: &[BomIssue]) -> Result<(), AppError> {
    match issues.first() {
        None => Ok(()),
        Some(i) => Err(AppError::field(&i.field, i.message.clone())),
    }
}
