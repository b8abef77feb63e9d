//! What travels between the server, the browser and integrators for
//! manufacturing orders and their jobs.

use super::state::{MoStatus, TaskStatus};
use crate::error::AppError;
use crate::master::{Code, Date, Qty, Variant};
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// One variant's quantity as typed: `variant` is a key such as
/// `colour=brown;size=M` (empty for an item without variants).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoVariantInput {
    #[serde(default)]
    pub variant: String,
    pub qty: String,
}

/// A manufacturing order made by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoInput {
    /// The item's code.
    pub item: String,
    pub variants: Vec<MoVariantInput>,
    /// `YYYY-MM-DD`, plant time.
    pub due_date: String,
    /// `YYYY-MM-DD`: not before this day (today when left out).
    #[serde(default)]
    pub start_date: Option<String>,
    /// 0 (first) to 1000; 100 when left out.
    #[serde(default)]
    pub priority: Option<i64>,
}

/// A checked [`MoInput`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewMo {
    pub item: String,
    pub variants: Vec<(Variant, Qty)>,
    pub due: Date,
    pub start: Option<Date>,
    pub priority: i64,
}

/// Most variants one order may carry (a size × colour grid fits easily).
pub const MAX_MO_VARIANTS: usize = 500;

impl MoInput {
    pub fn parse(&self) -> Result<NewMo, AppError> {
        let item = Code::parse("item", &self.item)?.into_string();
        if self.variants.is_empty() {
            return Err(AppError::field("variants", "add at least one quantity"));
        }
        if self.variants.len() > MAX_MO_VARIANTS {
            return Err(AppError::field(
                "variants",
                format!("at most {MAX_MO_VARIANTS} variants in one order"),
            ));
        }
        let mut variants: Vec<(Variant, Qty)> = Vec::with_capacity(self.variants.len());
        for (i, v) in self.variants.iter().enumerate() {
            let variant = Variant::parse_key(&format!("variants[{i}].variant"), v.variant.trim())?;
            let qty = Qty::parse_positive(&format!("variants[{i}].qty"), &v.qty)?;
            if variants.iter().any(|(w, _)| *w == variant) {
                return Err(AppError::field(
                    &format!("variants[{i}].variant"),
                    "this variant is already in the order",
                ));
            }
            variants.push((variant, qty));
        }
        let due = Date::parse("due_date", self.due_date.trim())?;
        let start = match self.start_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(Date::parse("start_date", s)?),
        };
        if start.is_some_and(|s| s > due) {
            return Err(AppError::field(
                "start_date",
                "must be on or before the due date",
            ));
        }
        let priority = self.priority.unwrap_or(100);
        if !(0..=1000).contains(&priority) {
            return Err(AppError::field("priority", "must be between 0 and 1000"));
        }
        Ok(NewMo {
            item,
            variants,
            due,
            start,
            priority,
        })
    }
}

/// A manufacturing order in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoSummary {
    pub id: i64,
    pub number: String,
    pub item: String,
    pub item_name: String,
    pub status: MoStatus,
    pub qty: Qty,
    pub good: Qty,
    pub scrap: Qty,
    pub start_date: String,
    pub due_date: String,
    pub priority: i64,
    /// The order this one makes a sub-assembly for.
    pub parent_id: Option<i64>,
    pub sales_order_id: Option<i64>,
    /// When its last job is planned to end (none before release).
    pub planned_end: Option<Millis>,
    /// Planned to end after its due date.
    pub late: bool,
    pub version: i64,
}

/// One variant of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoVariant {
    pub variant: String,
    pub qty: Qty,
}

/// A bought-in material the order consumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialLine {
    pub item: String,
    pub item_name: String,
    pub variant: String,
    pub qty: Qty,
    pub unit: String,
}

/// A job: one operation of an order on one work centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: i64,
    pub mo_id: i64,
    pub mo_number: String,
    pub item: String,
    pub seq: u32,
    pub name: String,
    pub work_centre: String,
    pub status: TaskStatus,
    pub qty: Qty,
    pub good: Qty,
    pub scrap: Qty,
    pub minutes: u32,
    /// The jobs that must end before this one starts.
    pub after: Vec<i64>,
    pub planned_start: Option<Millis>,
    pub planned_end: Option<Millis>,
    pub latest_start: Option<Millis>,
    /// Planned to end after its order's due date.
    pub late: bool,
    pub pinned: bool,
    pub version: i64,
}

/// An order with its variants, jobs, materials and child orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoDetail {
    pub order: MoSummary,
    pub variants: Vec<MoVariant>,
    pub jobs: Vec<JobView>,
    pub materials: Vec<MaterialLine>,
    pub children: Vec<MoSummary>,
}

/// When `qty` of an item could be finished, given the current load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    pub item: String,
    pub variant: String,
    pub qty: Qty,
    /// The earliest instant the last job could end.
    pub finish_at: Millis,
    /// Its day in the plant's time zone, `YYYY-MM-DD`.
    pub finish_date: String,
    /// The jobs the quantity needs (its operations and its sub-assemblies').
    pub jobs: u32,
}

/// A page of orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoPage {
    pub rows: Vec<MoSummary>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MoInput {
        MoInput {
            item: "bear-01".into(),
            variants: vec![
                MoVariantInput {
                    variant: "size=S".into(),
                    qty: "10".into(),
                },
                MoVariantInput {
                    variant: "size=M".into(),
                    qty: "5".into(),
                },
            ],
            due_date: "2026-12-20".into(),
            start_date: Some("2026-12-08".into()),
            priority: None,
        }
    }

    #[test]
    fn a_good_order_reads() {
        let mo = input().parse().unwrap();
        assert_eq!(mo.item, "BEAR-01");
        assert_eq!(mo.variants.len(), 2);
        assert_eq!(mo.priority, 100);
    }

    #[test]
    fn each_bad_value_names_its_field() {
        let field = |f: &dyn Fn(&mut MoInput)| {
            let mut i = input();
            f(&mut i);
            match i.parse() {
                Err(AppError::Invalid(e)) => e.field,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(field(&|i| i.item = "".into()), "item");
        assert_eq!(field(&|i| i.variants.clear()), "variants");
        assert_eq!(
            field(&|i| i.variants[1].qty = "0".into()),
            "variants[1].qty"
        );
        assert_eq!(
            field(&|i| i.variants[1].variant = "size=S".into()),
            "variants[1].variant"
        );
        assert_eq!(
            field(&|i| i.variants[0].variant = "size".into()),
            "variants[0].variant"
        );
        assert_eq!(field(&|i| i.due_date = "2026-13-01".into()), "due_date");
        assert_eq!(
            field(&|i| i.start_date = Some("2026-12-21".into())),
            "start_date"
        );
        assert_eq!(field(&|i| i.priority = Some(1001)), "priority");
    }
}
