//! The BOM form as typed by a planner or sent by an integrator, and its
//! parse into a [`Bom`]: quantities as text, codes trimmed and upper-cased,
//! each error naming its JSON path (`lines[3].component`). Checks against
//! other master data are [`super::validate()`]'s.

use super::model::{
    AttrRule, AttrSource, Bom, BomLine, Change, Operation, QtyRule, RunTime, VariantOverride,
};
use crate::error::AppError;
use crate::master::{parse_label, Code, Qty, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomInput {
    pub item: String,
    pub version: u32,
    #[serde(default)]
    pub lines: Vec<BomLineInput>,
    #[serde(default)]
    pub operations: Vec<OperationInput>,
    #[serde(default)]
    pub overrides: Vec<OverrideInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomLineInput {
    pub line_no: u32,
    pub component: String,
    pub qty: QtyRuleInput,
    #[serde(default)]
    pub scrap_bp: u32,
    #[serde(default)]
    pub attrs: Vec<AttrRule>,
}

/// `{"kind":"fixed","qty":"2"}` or `{"kind":"by_attribute","attribute":"size","values":{"S":"0.08"},"default":null}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QtyRuleInput {
    Fixed {
        qty: String,
    },
    ByAttribute {
        attribute: String,
        values: BTreeMap<String, String>,
        #[serde(default)]
        default: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationInput {
    pub seq: u32,
    pub work_centre: String,
    pub setup_minutes: String,
    pub run: RunTimeInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RunTimeInput {
    PerUnit { minutes: String },
    Embroidery { design: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverrideInput {
    pub when: BTreeMap<String, String>,
    pub change: ChangeInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChangeInput {
    Add { line: BomLineInput },
    Remove { line_no: u32 },
    Replace { line_no: u32, line: BomLineInput },
}

fn line_no(field: &str, n: u32) -> Result<u32, AppError> {
    if n == 0 {
        return Err(AppError::field(field, "line numbers start at 1"));
    }
    Ok(n)
}

impl BomLineInput {
    /// Parses the line; `at` is its path (`lines[2]`).
    pub fn parse(&self, at: &str) -> Result<BomLine, AppError> {
        let line_no = line_no(&format!("{at}.line_no"), self.line_no)?;
        let component = Code::parse(&format!("{at}.component"), &self.component)?.into_string();
        let qty = match &self.qty {
            QtyRuleInput::Fixed { qty } => QtyRule::Fixed {
                qty: Qty::parse_positive(&format!("{at}.qty"), qty)?,
            },
            QtyRuleInput::ByAttribute {
                attribute,
                values,
                default,
            } => {
                let attribute = parse_label(&format!("{at}.qty.attribute"), attribute)?;
                let mut parsed = BTreeMap::new();
                for (k, v) in values {
                    let field = format!("{at}.qty.values.{k}");
                    let key = parse_label(&field, k)?;
                    if parsed
                        .insert(key, Qty::parse_positive(&field, v)?)
                        .is_some()
                    {
                        return Err(AppError::field(&field, format!("{k} is listed twice")));
                    }
                }
                if parsed.is_empty() && default.is_none() {
                    return Err(AppError::field(
                        &format!("{at}.qty.values"),
                        format!("give a quantity for at least one {attribute}"),
                    ));
                }
                let default = match default.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(d) => Some(Qty::parse_positive(&format!("{at}.qty.default"), d)?),
                };
                QtyRule::ByAttribute {
                    attribute,
                    values: parsed,
                    default,
                }
            }
        };
        if self.scrap_bp > 10_000 {
            return Err(AppError::field(
                &format!("{at}.scrap_bp"),
                "must be between 0 and 10000 basis points (0–100 %)",
            ));
        }
        let mut attrs = Vec::with_capacity(self.attrs.len());
        for (j, r) in self.attrs.iter().enumerate() {
            let ra = format!("{at}.attrs[{j}]");
            let component_attribute =
                parse_label(&format!("{ra}.component_attribute"), &r.component_attribute)?;
            let source = match &r.source {
                AttrSource::Follow { parent_attribute } => AttrSource::Follow {
                    parent_attribute: parse_label(
                        &format!("{ra}.source.parent_attribute"),
                        parent_attribute,
                    )?,
                },
                AttrSource::Fixed { value } => AttrSource::Fixed {
                    value: parse_label(&format!("{ra}.source.value"), value)?,
                },
            };
            attrs.push(AttrRule {
                component_attribute,
                source,
            });
        }
        Ok(BomLine {
            line_no,
            component,
            qty,
            scrap_bp: self.scrap_bp,
            attrs,
        })
    }
}

impl OperationInput {
    pub fn parse(&self, at: &str) -> Result<Operation, AppError> {
        if self.seq == 0 {
            return Err(AppError::field(
                &format!("{at}.seq"),
                "steps are numbered from 1",
            ));
        }
        let work_centre =
            Code::parse(&format!("{at}.work_centre"), &self.work_centre)?.into_string();
        let setup_minutes =
            Qty::parse_non_negative(&format!("{at}.setup_minutes"), &self.setup_minutes)?;
        let run = match &self.run {
            RunTimeInput::PerUnit { minutes } => RunTime::PerUnit {
                minutes: Qty::parse_non_negative(&format!("{at}.run.minutes"), minutes)?,
            },
            RunTimeInput::Embroidery { design } => RunTime::Embroidery {
                design: Code::parse(&format!("{at}.run.design"), design)?.into_string(),
            },
        };
        Ok(Operation {
            seq: self.seq,
            work_centre,
            setup_minutes,
            run,
        })
    }
}

impl BomInput {
    /// The BOM, or the first field that is wrong. Line numbers, routing
    /// steps and master data are checked by [`super::validate()`].
    pub fn parse(&self) -> Result<Bom, AppError> {
        let item = Code::parse("item", &self.item)?.into_string();
        if self.version == 0 {
            return Err(AppError::field("version", "versions start at 1"));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| l.parse(&format!("lines[{i}]")))
            .collect::<Result<_, _>>()?;
        let operations = self
            .operations
            .iter()
            .enumerate()
            .map(|(k, o)| o.parse(&format!("operations[{k}]")))
            .collect::<Result<_, _>>()?;
        let mut overrides = Vec::with_capacity(self.overrides.len());
        for (i, o) in self.overrides.iter().enumerate() {
            let at = format!("overrides[{i}]");
            if o.when.is_empty() {
                return Err(AppError::field(
                    &format!("{at}.when"),
                    "say which variants it applies to",
                ));
            }
            let mut when = Variant::new();
            for (a, v) in &o.when {
                let field = format!("{at}.when.{a}");
                when.0
                    .insert(parse_label(&field, a)?, parse_label(&field, v)?);
            }
            let change = match &o.change {
                ChangeInput::Add { line } => Change::Add {
                    line: line.parse(&format!("{at}.change.line"))?,
                },
                ChangeInput::Remove { line_no: n } => Change::Remove {
                    line_no: line_no(&format!("{at}.change.line_no"), *n)?,
                },
                ChangeInput::Replace { line_no: n, line } => Change::Replace {
                    line_no: line_no(&format!("{at}.change.line_no"), *n)?,
                    line: line.parse(&format!("{at}.change.line"))?,
                },
            };
            overrides.push(VariantOverride { when, change });
        }
        Ok(Bom {
            item,
            version: self.version,
            lines,
            operations,
            overrides,
        })
    }
}
