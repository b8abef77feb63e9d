//! A work centre's shift calendar: how many minutes it works on each
//! weekday from a daily start time, its holidays, and one-off closures
//! (a power cut, a stock-take). Scheduling (issue 9) books work into the
//! open intervals this gives.

use super::date::Date;
use crate::error::AppError;
use crate::time::{parse_iso, Millis, MINUTE};
use serde::{Deserialize, Serialize};

const DAY_MINUTES: u32 = 1440;

/// When a work centre is open. A shift starts at `day_start_minute` after
/// local midnight and lasts that weekday's minutes (it may run past
/// midnight). Holidays are closed all day; closures (UTC millisecond
/// intervals, end exclusive) cut out whatever they overlap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftCalendar {
    /// Monday first; each at most 1440.
    pub minutes_per_weekday: [u32; 7],
    /// Minutes after local midnight the shift starts (7:00 = 420).
    pub day_start_minute: u32,
    pub holidays: Vec<Date>,
    pub closures: Vec<(Millis, Millis)>,
}

impl ShiftCalendar {
    /// The UTC intervals `[start, end)` the centre is open during the shift
    /// that starts on local `date`, given the plant's fixed offset from UTC
    /// in minutes (+60 for CET). Sorted, non-overlapping; empty on holidays.
    pub fn open_intervals(&self, date: Date, utc_offset_minutes: i32) -> Vec<(Millis, Millis)> {
        let minutes = self.minutes_per_weekday[date.weekday()].min(DAY_MINUTES);
        if minutes == 0 || self.holidays.contains(&date) {
            return Vec::new();
        }
        let start = date.days() * 1440 * MINUTE
            + (self.day_start_minute as i64 - utc_offset_minutes as i64) * MINUTE;
        let mut open = vec![(start, start + minutes as i64 * MINUTE)];
        let mut closures: Vec<_> = self
            .closures
            .iter()
            .filter(|(s, e)| s < e)
            .copied()
            .collect();
        closures.sort();
        for (cs, ce) in closures {
            open = open
                .into_iter()
                .flat_map(|(s, e)| {
                    if ce <= s || cs >= e {
                        vec![(s, e)]
                    } else {
                        [(s, cs), (ce, e)]
                            .into_iter()
                            .filter(|(a, b)| a < b)
                            .collect()
                    }
                })
                .collect();
        }
        open
    }

    /// Whole minutes open during `date`'s shift (closures counted to the
    /// millisecond, the total rounded down). 0 on holidays.
    pub fn available_minutes(&self, date: Date, utc_offset_minutes: i32) -> u32 {
        let ms: i64 = self
            .open_intervals(date, utc_offset_minutes)
            .iter()
            .map(|(s, e)| e - s)
            .sum();
        (ms / MINUTE) as u32
    }
}

/// A closure as typed: ISO 8601 instants, e.g. `2026-03-02T06:00:00Z`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureInput {
    pub start: String,
    pub end: String,
}

/// A calendar as typed; `field` prefixes name where it sits in the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftCalendarInput {
    pub minutes_per_weekday: [u32; 7],
    pub day_start_minute: u32,
    #[serde(default)]
    pub holidays: Vec<String>,
    #[serde(default)]
    pub closures: Vec<ClosureInput>,
}

impl ShiftCalendarInput {
    /// Checks the calendar; field errors are named under `prefix`
    /// (e.g. `calendar.holidays[2]`).
    pub fn parse(&self, prefix: &str) -> Result<ShiftCalendar, AppError> {
        for (i, m) in self.minutes_per_weekday.iter().enumerate() {
            if *m > DAY_MINUTES {
                return Err(AppError::field(
                    &format!("{prefix}.minutes_per_weekday[{i}]"),
                    "a day has at most 1440 minutes",
                ));
            }
        }
        if self.day_start_minute >= DAY_MINUTES {
            return Err(AppError::field(
                &format!("{prefix}.day_start_minute"),
                "must be a time of day: 0 to 1439 minutes after midnight",
            ));
        }
        let mut holidays = Vec::with_capacity(self.holidays.len());
        for (i, h) in self.holidays.iter().enumerate() {
            let d = Date::parse(&format!("{prefix}.holidays[{i}]"), h)?;
            if !holidays.contains(&d) {
                holidays.push(d);
            }
        }
        holidays.sort();
        let mut closures = Vec::with_capacity(self.closures.len());
        for (i, c) in self.closures.iter().enumerate() {
            let at = |name: &str, s: &str| {
                parse_iso(s.trim()).ok_or_else(|| {
                    AppError::field(
                        &format!("{prefix}.closures[{i}].{name}"),
                        "write a date and time such as 2026-03-02T06:00:00Z",
                    )
                })
            };
            let (s, e) = (at("start", &c.start)?, at("end", &c.end)?);
            if e <= s {
                return Err(AppError::field(
                    &format!("{prefix}.closures[{i}].end"),
                    "must be after the start",
                ));
            }
            closures.push((s, e));
        }
        closures.sort();
        Ok(ShiftCalendar {
            minutes_per_weekday: self.minutes_per_weekday,
            day_start_minute: self.day_start_minute,
            holidays,
            closures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;
    use proptest::prelude::*;

    fn cal() -> ShiftCalendar {
        ShiftCalendar {
            minutes_per_weekday: [480, 480, 480, 480, 360, 0, 0],
            day_start_minute: 420,
            holidays: vec![Date::parse("d", "2026-12-25").unwrap()],
            closures: vec![],
        }
    }

    #[test]
    fn weekdays_holidays_and_closures() {
        let mon = Date::parse("d", "2026-03-02").unwrap();
        assert_eq!(mon.weekday(), 0);
        let c = cal();
        assert_eq!(c.available_minutes(mon, 60), 480);
        assert_eq!(c.available_minutes(mon.add_days(4), 60), 360); // Friday
        assert_eq!(c.available_minutes(mon.add_days(5), 60), 0); // Saturday
        assert_eq!(
            c.available_minutes(Date::parse("d", "2026-12-25").unwrap(), 60),
            0
        );
        // 07:00 CET = 06:00 UTC.
        let start = parse_iso("2026-03-02T06:00:00Z").unwrap();
        assert_eq!(c.open_intervals(mon, 60), vec![(start, start + 8 * HOUR)]);
        // A 90-minute power cut from 09:00 to 10:30 local, and one the day before.
        let cut = (start + 2 * HOUR, start + 2 * HOUR + 90 * MINUTE);
        let c = ShiftCalendar {
            closures: vec![cut, (start - 20 * HOUR, start - 18 * HOUR)],
            ..cal()
        };
        assert_eq!(
            c.open_intervals(mon, 60),
            vec![(start, cut.0), (cut.1, start + 8 * HOUR)]
        );
        assert_eq!(c.available_minutes(mon, 60), 390);
        // A closure covering the whole shift leaves nothing.
        let c = ShiftCalendar {
            closures: vec![(start - HOUR, start + 9 * HOUR)],
            ..cal()
        };
        assert!(c.open_intervals(mon, 60).is_empty());
    }

    #[test]
    fn input_names_the_bad_field() {
        let ok = ShiftCalendarInput {
            minutes_per_weekday: [480; 7],
            day_start_minute: 420,
            holidays: vec!["2026-12-25".into(), "2026-12-24".into()],
            closures: vec![ClosureInput {
                start: "2026-03-02T06:00:00Z".into(),
                end: "2026-03-02T07:00:00Z".into(),
            }],
        };
        let parsed = ok.parse("calendar").unwrap();
        assert_eq!(parsed.holidays[0].to_string(), "2026-12-24");
        let f = |i: ShiftCalendarInput| {
            i.parse("calendar")
                .unwrap_err()
                .field_error()
                .unwrap()
                .field
                .clone()
        };
        let mut m = ok.clone();
        m.minutes_per_weekday[3] = 1441;
        assert_eq!(f(m), "calendar.minutes_per_weekday[3]");
        assert_eq!(
            f(ShiftCalendarInput {
                day_start_minute: 1440,
                ..ok.clone()
            }),
            "calendar.day_start_minute"
        );
        assert_eq!(
            f(ShiftCalendarInput {
                holidays: vec!["25/12/2026".into()],
                ..ok.clone()
            }),
            "calendar.holidays[0]"
        );
        let mut back = ok.clone();
        back.closures[0].end = "2026-03-02T05:00:00Z".into();
        assert_eq!(f(back), "calendar.closures[0].end");
    }

    proptest! {
        #[test]
        fn never_more_than_the_weekday_allows(
            minutes in proptest::array::uniform7(0u32..=1440),
            start in 0u32..1440,
            day in 18_000i64..22_000,
            offset in -720i32..=840,
            closures in proptest::collection::vec((0i64..2_000_000_000, -100_000_000i64..200_000_000), 0..5),
        ) {
            let date = Date::from_days(day);
            let base = date.days() * 1440 * MINUTE - 2 * 1440 * MINUTE;
            let closures = closures.into_iter().map(|(s, len)| (base + s, base + s + len)).collect();
            let c = ShiftCalendar { minutes_per_weekday: minutes, day_start_minute: start, holidays: vec![], closures };
            prop_assert!(c.available_minutes(date, offset) <= minutes[date.weekday()]);
            let iv = c.open_intervals(date, offset);
            prop_assert!(iv.windows(2).all(|w| w[0].1 <= w[1].0));
        }
    }
}
