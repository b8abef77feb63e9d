//! Load against capacity, per centre and day, and the bottleneck: the
//! centre the plan leans on hardest.
//!
//! A day is a shift day: the shift that starts on that local date, even
//! where it runs past midnight ([`crate::master::ShiftCalendar`]). Capacity
//! is open time × the slots not taken by maintenance; load is the open time
//! jobs and bookings work in it. Both are summed in milliseconds and
//! rounded down to whole minutes per centre and day, as
//! [`crate::master::ShiftCalendar::available_minutes`] does.

use super::schedule::{Floor, Schedule};
use super::timeline::Profile;
use crate::master::Date;
use crate::time::{Millis, MINUTE};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One centre's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayLoad {
    pub centre: i64,
    pub date: Date,
    /// Minutes of work planned or booked in the day's open time.
    pub load_minutes: u32,
    /// Open minutes × slots left by maintenance.
    pub capacity_minutes: u32,
}

/// The centre with the highest load ÷ capacity over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bottleneck {
    pub centre: i64,
    pub load_minutes: u64,
    pub capacity_minutes: u64,
    /// The sum over the days of load beyond that day's capacity.
    pub overload_minutes: u64,
}

/// Load and capacity of every centre of `floor` for `days` days from
/// `from`, centres in floor order, days in date order. Load counts the
/// jobs of `schedule` and the floor's bookings.
pub fn load_by_day(floor: &Floor, schedule: &Schedule, from: Date, days: u32) -> Vec<DayLoad> {
    let offset = floor.horizon.utc_offset_minutes;
    let mut out = Vec::with_capacity(floor.centres.len() * days as usize);
    for c in &floor.centres {
        let mut cuts = Profile::default();
        for cut in floor.cuts.iter().filter(|x| x.centre == c.id) {
            cuts.add(cut.start, cut.end, cut.slots as i64);
        }
        let mut work: Vec<(Millis, Millis)> = schedule
            .jobs
            .iter()
            .filter(|p| p.centre == c.id)
            .map(|p| (p.start, p.end))
            .chain(
                floor
                    .bookings
                    .iter()
                    .filter(|b| b.centre == c.id)
                    .map(|b| (b.start, b.end)),
            )
            .filter(|(s, e)| s < e)
            .collect();
        work.sort_unstable();
        for d in 0..days as i64 {
            let date = from.add_days(d);
            let (mut load, mut capacity) = (0i64, 0i64);
            for (a, b) in c.calendar.open_intervals(date, offset) {
                cuts.segments(a, b, |x, y, cut| {
                    capacity += (y - x) * (c.slots as i64 - cut).max(0);
                });
                // Work sorted by start: none starting at or after `b` counts.
                let upto = work.partition_point(|w| w.0 < b);
                load += work[..upto]
                    .iter()
                    .map(|&(s, e)| (e.min(b) - s.max(a)).max(0))
                    .sum::<i64>();
            }
            out.push(DayLoad {
                centre: c.id,
                date,
                load_minutes: minutes(load),
                capacity_minutes: minutes(capacity),
            });
        }
    }
    out
}

fn minutes(ms: Millis) -> u32 {
    (ms / MINUTE).clamp(0, u32::MAX as i64) as u32
}

/// The centre with the highest total load ÷ capacity over `days` (work on a
/// centre with no capacity at all ranks above any ratio); ties go to the
/// lower centre id. None when nothing is loaded.
pub fn bottleneck(days: &[DayLoad]) -> Option<Bottleneck> {
    let mut totals: Vec<Bottleneck> = vec![];
    for d in days {
        let i = match totals.iter().position(|t| t.centre == d.centre) {
            Some(i) => i,
            None => {
                totals.push(Bottleneck {
                    centre: d.centre,
                    load_minutes: 0,
                    capacity_minutes: 0,
                    overload_minutes: 0,
                });
                totals.len() - 1
            }
        };
        let t = &mut totals[i];
        t.load_minutes += d.load_minutes as u64;
        t.capacity_minutes += d.capacity_minutes as u64;
        t.overload_minutes += d.load_minutes.saturating_sub(d.capacity_minutes) as u64;
    }
    totals
        .into_iter()
        .filter(|t| t.load_minutes > 0)
        .max_by(|a, b| ratio(a, b).then(b.centre.cmp(&a.centre)))
}

/// Compares load ÷ capacity without division; no capacity is infinite.
fn ratio(a: &Bottleneck, b: &Bottleneck) -> Ordering {
    match (a.capacity_minutes, b.capacity_minutes) {
        (0, 0) => a.load_minutes.cmp(&b.load_minutes),
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        (ca, cb) => {
            (a.load_minutes as u128 * cb as u128).cmp(&(b.load_minutes as u128 * ca as u128))
        }
    }
}
