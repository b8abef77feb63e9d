//! Work centres: the cutting tables, embroidery machines and sewing lines
//! work is routed through, with their calendar, capacity and labour rate.

use super::calendar::{ShiftCalendar, ShiftCalendarInput};
use super::codes::{parse_money, Code, Name};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A checked work centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkCentre {
    pub code: String,
    pub name: String,
    /// What kind of work it does, as a code: `SEWING`, `EMBROIDERY`, `CUTTING`.
    pub kind: String,
    pub calendar: ShiftCalendar,
    /// How many jobs it runs at once (operators or machines), 1–100.
    pub parallel_capacity: u32,
    /// What an hour of its work costs, in minor units.
    pub labour_rate_minor_per_hour: i64,
}

/// A new or edited work centre as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkCentreInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub calendar: ShiftCalendarInput,
    pub parallel_capacity: u32,
    pub labour_rate_minor_per_hour: i64,
}

impl WorkCentreInput {
    pub fn parse(&self) -> Result<WorkCentre, AppError> {
        let code = Code::parse("code", &self.code)?.into_string();
        let name = Name::parse("name", &self.name)?.into_string();
        let kind = Code::parse("kind", &self.kind)?.into_string();
        let calendar = self.calendar.parse("calendar")?;
        if !(1..=100).contains(&self.parallel_capacity) {
            return Err(AppError::field(
                "parallel_capacity",
                "must be between 1 and 100",
            ));
        }
        let labour_rate_minor_per_hour = parse_money(
            "labour_rate_minor_per_hour",
            self.labour_rate_minor_per_hour,
        )?;
        Ok(WorkCentre {
            code,
            name,
            kind,
            calendar,
            parallel_capacity: self.parallel_capacity,
            labour_rate_minor_per_hour,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_names_the_bad_field() {
        let ok = WorkCentreInput {
            code: "sew-01".into(),
            name: "Sewing line 1".into(),
            kind: "sewing".into(),
            calendar: ShiftCalendarInput {
                minutes_per_weekday: [480, 480, 480, 480, 480, 0, 0],
                day_start_minute: 420,
                ..Default::default()
            },
            parallel_capacity: 6,
            labour_rate_minor_per_hour: 2400,
        };
        let wc = ok.parse().unwrap();
        assert_eq!((wc.code.as_str(), wc.kind.as_str()), ("SEW-01", "SEWING"));
        let f = |i: WorkCentreInput| i.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            f(WorkCentreInput {
                parallel_capacity: 0,
                ..ok.clone()
            }),
            "parallel_capacity"
        );
        assert_eq!(
            f(WorkCentreInput {
                parallel_capacity: 101,
                ..ok.clone()
            }),
            "parallel_capacity"
        );
        assert_eq!(
            f(WorkCentreInput {
                labour_rate_minor_per_hour: -1,
                ..ok.clone()
            }),
            "labour_rate_minor_per_hour"
        );
        assert_eq!(
            f(WorkCentreInput {
                kind: "".into(),
                ..ok.clone()
            }),
            "kind"
        );
        let mut cal = ok.clone();
        cal.calendar.day_start_minute = 2000;
        assert_eq!(f(cal), "calendar.day_start_minute");
    }
}
