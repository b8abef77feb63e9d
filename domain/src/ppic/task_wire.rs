//! What a job's steps carry: the good and scrap quantities reported per
//! variant (on completion, or partly while it runs), and a batch of steps
//! over many jobs applied all or nothing.

use super::state::TaskAction;
use crate::error::AppError;
use crate::master::{Qty, Variant};
use serde::{Deserialize, Serialize};

/// Good and scrap of one variant as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QtyReportInput {
    /// The variant key (empty for an item without variants).
    #[serde(default)]
    pub variant: String,
    #[serde(default)]
    pub good: String,
    #[serde(default)]
    pub scrap: String,
}

/// A step on one job. `version`, when given, is the job's version the step
/// was decided on: a job changed since is refused (409).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskStepInput {
    /// Good and scrap per variant: on `complete`, what the last stretch made.
    #[serde(default)]
    pub quantities: Vec<QtyReportInput>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// One step of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchItemInput {
    pub id: i64,
    /// approve, start, pause, resume, complete or cancel.
    pub action: String,
    #[serde(default)]
    pub quantities: Vec<QtyReportInput>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// Many steps, applied in order in one transaction: all or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchInput {
    pub items: Vec<BatchItemInput>,
}

/// Most steps in one batch.
pub const MAX_BATCH: usize = 500;
/// Longest note on a step.
pub const MAX_NOTE: usize = 2000;

/// A checked quantity report.
#[derive(Debug, Clone, PartialEq)]
pub struct QtyReport {
    pub variant: String,
    pub good: Qty,
    pub scrap: Qty,
}

/// Reads the reports, naming a bad value as `{prefix}quantities[i].good`.
pub fn parse_reports(prefix: &str, q: &[QtyReportInput]) -> Result<Vec<QtyReport>, AppError> {
    let mut out: Vec<QtyReport> = Vec::with_capacity(q.len());
    for (i, r) in q.iter().enumerate() {
        let at = |f: &str| format!("{prefix}quantities[{i}].{f}");
        let variant = Variant::parse_key(&at("variant"), r.variant.trim())?.key();
        let read = |f: &str, s: &str| -> Result<Qty, AppError> {
            if s.trim().is_empty() {
                Ok(Qty::ZERO)
            } else {
                Qty::parse_non_negative(&at(f), s)
            }
        };
        let (good, scrap) = (read("good", &r.good)?, read("scrap", &r.scrap)?);
        if out.iter().any(|o| o.variant == variant) {
            return Err(AppError::field(
                &at("variant"),
                "this variant is reported twice",
            ));
        }
        out.push(QtyReport {
            variant,
            good,
            scrap,
        });
    }
    Ok(out)
}

/// Reads the note: at most [`MAX_NOTE`] characters, no control characters
/// but line breaks and tabs.
pub fn parse_note(field: &str, note: &str) -> Result<String, AppError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::field(
            field,
            format!("at most {MAX_NOTE} characters"),
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(AppError::field(field, "control characters are not allowed"));
    }
    Ok(note.to_string())
}

/// A checked batch item.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStep {
    pub id: i64,
    pub action: TaskAction,
    pub reports: Vec<QtyReport>,
    pub version: Option<i64>,
}

impl BatchInput {
    /// Every item read, or the first bad one named `items[i].…`.
    pub fn parse(&self) -> Result<Vec<BatchStep>, AppError> {
        if self.items.is_empty() {
            return Err(AppError::field("items", "add at least one step"));
        }
        if self.items.len() > MAX_BATCH {
            return Err(AppError::field(
                "items",
                format!("at most {MAX_BATCH} steps in one batch"),
            ));
        }
        self.items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                Ok(BatchStep {
                    id: it.id,
                    action: TaskAction::parse(&format!("items[{i}].action"), it.action.trim())?,
                    reports: parse_reports(&format!("items[{i}]."), &it.quantities)?,
                    version: it.version,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_and_batches_name_the_bad_value() {
        let field = |r: Result<Vec<BatchStep>, AppError>| match r {
            Err(AppError::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        };
        let item = |action: &str, good: &str| BatchItemInput {
            id: 1,
            action: action.into(),
            quantities: vec![QtyReportInput {
                variant: "size=M".into(),
                good: good.into(),
                scrap: String::new(),
            }],
            version: None,
        };
        let ok = BatchInput {
            items: vec![item("start", ""), item("complete", "12.5")],
        };
        let steps = ok.parse().unwrap();
        assert_eq!(steps[1].reports[0].good, Qty::ratio(25, 2).unwrap());
        assert_eq!(steps[0].reports[0].scrap, Qty::ZERO);
        let bad = BatchInput {
            items: vec![item("start", ""), item("finish", "1")],
        };
        assert_eq!(field(bad.parse()), "items[1].action");
        let bad = BatchInput {
            items: vec![item("start", "-1")],
        };
        assert_eq!(field(bad.parse()), "items[0].quantities[0].good");
        assert_eq!(field(BatchInput { items: vec![] }.parse()), "items");
        assert!(parse_note("note", "a\u{0}b").is_err());
        assert_eq!(parse_note("note", " fine\n ").unwrap(), "fine");
    }
}
