//! The two time lines a work centre is planned on: when it is open (its
//! shift calendar, walked forward and backward a shift at a time) and how
//! many of its slots are taken at each instant (a step function).
//!
//! A calendar's shift of local date `d` starts at `d × 1 day + anchor` UTC,
//! where `anchor = day_start_minute − utc_offset_minutes`, and lasts at most
//! a day, so the "shift days" `[d × 1 day + anchor, (d + 1) × 1 day + anchor)`
//! cut time into pieces that each hold exactly one shift's open intervals.
//! That lets any instant find its shift without a search, and lets the
//! intervals be generated lazily, a day at a time, as the planner reaches
//! them.

use crate::master::{Date, ShiftCalendar};
use crate::time::{Millis, MINUTE};
use rustc_hash::FxHashMap;

pub(crate) const DAY: Millis = 1440 * MINUTE;

/// A centre's open intervals, generated per shift day on first use.
pub(crate) struct OpenTime<'a> {
    cal: &'a ShiftCalendar,
    offset: i32,
    anchor: Millis,
    days: FxHashMap<i64, Vec<(Millis, Millis)>>,
}

impl<'a> OpenTime<'a> {
    pub(crate) fn new(cal: &'a ShiftCalendar, utc_offset_minutes: i32) -> Self {
        OpenTime {
            cal,
            offset: utc_offset_minutes,
            anchor: (cal.day_start_minute as i64 - utc_offset_minutes as i64) * MINUTE,
            days: FxHashMap::default(),
        }
    }

    /// The shift day (days since 1970-01-01 of the local date whose shift
    /// it belongs to) that holds instant `t`.
    pub(crate) fn shift_day(&self, t: Millis) -> i64 {
        (t - self.anchor).div_euclid(DAY)
    }

    /// Where shift day `d` begins.
    pub(crate) fn day_start(&self, d: i64) -> Millis {
        d * DAY + self.anchor
    }

    /// The open intervals of shift day `d`, sorted and disjoint.
    pub(crate) fn day(&mut self, d: i64) -> &[(Millis, Millis)] {
        let (cal, offset) = (self.cal, self.offset);
        self.days
            .entry(d)
            .or_insert_with(|| cal.open_intervals(Date::from_days(d), offset))
    }

    pub(crate) fn is_open(&mut self, t: Millis) -> bool {
        let d = self.shift_day(t);
        self.day(d).iter().any(|&(a, b)| a <= t && t < b)
    }

    /// The first open instant at or after `t`, looking no further than
    /// shift day `last_day`.
    pub(crate) fn next_open(&mut self, t: Millis, last_day: i64) -> Option<Millis> {
        let mut d = self.shift_day(t);
        while d <= last_day {
            if let Some(&(a, _)) = self.day(d).iter().find(|&&(_, b)| b > t) {
                return Some(a.max(t));
            }
            d += 1;
        }
        None
    }

    /// The first instant `e ≥ s` with `open_ms` of open time in `[s, e)`,
    /// looking no further than shift day `last_day`. Work of length 0 ends
    /// where it starts; other work ends inside or at the end of an open
    /// interval, never in the closed time after it.
    pub(crate) fn advance(&mut self, s: Millis, open_ms: Millis, last_day: i64) -> Option<Millis> {
        if open_ms <= 0 {
            return Some(s);
        }
        let mut left = open_ms;
        let mut d = self.shift_day(s);
        while d <= last_day {
            for &(a, b) in self.day(d) {
                if b <= s {
                    continue;
                }
                let x = a.max(s);
                if b - x >= left {
                    return Some(x + left);
                }
                left -= b - x;
            }
            d += 1;
        }
        None
    }

    /// The last instant `s ≤ f` with `open_ms` of open time in `[s, f)`,
    /// looking no further back than shift day `first_day`: work that must
    /// finish by `f` starts here at the latest (at an open instant).
    pub(crate) fn retreat(&mut self, f: Millis, open_ms: Millis, first_day: i64) -> Option<Millis> {
        if open_ms <= 0 {
            return Some(f);
        }
        let mut left = open_ms;
        let mut d = self.shift_day(f);
        while d >= first_day {
            for &(a, b) in self.day(d).iter().rev() {
                if a >= f {
                    continue;
                }
                let y = b.min(f);
                if y - a >= left {
                    return Some(y - left);
                }
                left -= y - a;
            }
            d -= 1;
        }
        None
    }

    /// The open pieces of `[s, e)`, appended to `out` in order.
    pub(crate) fn pieces(&mut self, s: Millis, e: Millis, out: &mut Vec<(Millis, Millis)>) {
        if s >= e {
            return;
        }
        let last = self.shift_day(e - 1);
        for d in self.shift_day(s)..=last {
            for &(a, b) in self.day(d) {
                let (x, y) = (a.max(s), b.min(e));
                if x < y {
                    out.push((x, y));
                }
            }
        }
    }
}

/// A step function of how many slots are taken: `level` from each step's
/// instant until the next step, 0 before the first. Every change adds over
/// a half-open interval, so the level after the last step is back to 0.
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    steps: Vec<(Millis, i64)>,
}

impl Profile {
    fn index_after(&self, t: Millis) -> usize {
        self.steps.partition_point(|s| s.0 <= t)
    }

    pub(crate) fn level_at(&self, t: Millis) -> i64 {
        match self.index_after(t) {
            0 => 0,
            i => self.steps[i - 1].1,
        }
    }

    /// The index of the step at exactly `t`, made if need be.
    fn step_at(&mut self, t: Millis) -> usize {
        let i = self.steps.partition_point(|s| s.0 < t);
        if self.steps.get(i).is_some_and(|s| s.0 == t) {
            return i;
        }
        let level = if i == 0 { 0 } else { self.steps[i - 1].1 };
        self.steps.insert(i, (t, level));
        i
    }

    /// Adds `k` (negative to give back) over `[a, b)`.
    pub(crate) fn add(&mut self, a: Millis, b: Millis, k: i64) {
        if a >= b || k == 0 {
            return;
        }
        let i = self.step_at(a);
        let j = self.step_at(b);
        for s in &mut self.steps[i..j] {
            s.1 += k;
        }
    }

    /// The first instant in `[a, b)` at which the level is `cap` or more.
    pub(crate) fn first_at_least(&self, a: Millis, b: Millis, cap: i64) -> Option<Millis> {
        if a >= b {
            return None;
        }
        if self.level_at(a) >= cap {
            return Some(a);
        }
        self.steps[self.index_after(a)..]
            .iter()
            .take_while(|s| s.0 < b)
            .find(|s| s.1 >= cap)
            .map(|s| s.0)
    }

    /// The first instant after `t` at which the level is below `cap`.
    pub(crate) fn next_below(&self, t: Millis, cap: i64) -> Option<Millis> {
        self.steps[self.index_after(t)..]
            .iter()
            .find(|s| s.1 < cap)
            .map(|s| s.0)
    }

    /// Calls `f(x, y, level)` for each constant piece of `[a, b)`.
    pub(crate) fn segments(&self, a: Millis, b: Millis, mut f: impl FnMut(Millis, Millis, i64)) {
        if a >= b {
            return;
        }
        let (mut x, mut level) = (a, self.level_at(a));
        for s in self.steps[self.index_after(a)..]
            .iter()
            .take_while(|s| s.0 < b)
        {
            f(x, s.0, level);
            (x, level) = (s.0, s.1);
        }
        f(x, b, level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_iso, HOUR};

    fn at(s: &str) -> Millis {
        parse_iso(s).unwrap()
    }

    fn cal() -> ShiftCalendar {
        ShiftCalendar {
            minutes_per_weekday: [480, 480, 480, 480, 480, 0, 0],
            day_start_minute: 420,
            holidays: vec![Date::parse("d", "2026-03-04").unwrap()],
            closures: vec![],
        }
    }

    #[test]
    fn walks_shifts_forward_and_back_over_a_holiday() {
        let c = cal();
        let mut t = OpenTime::new(&c, 0);
        let far = i64::MAX / DAY;
        assert!(t.is_open(at("2026-03-02T07:00:00Z")));
        assert!(!t.is_open(at("2026-03-02T15:00:00Z")));
        assert_eq!(
            t.next_open(at("2026-03-03T16:00:00Z"), far),
            Some(at("2026-03-05T07:00:00Z"))
        );
        // 600 minutes from Tuesday 09:00: 360 on Tuesday, none on the
        // Wednesday holiday, 240 on Thursday.
        assert_eq!(
            t.advance(at("2026-03-03T09:00:00Z"), 600 * MINUTE, far),
            Some(at("2026-03-05T11:00:00Z"))
        );
        // Ending exactly at the close of a shift, not at the next opening.
        assert_eq!(
            t.advance(at("2026-03-03T07:00:00Z"), 8 * HOUR, far),
            Some(at("2026-03-03T15:00:00Z"))
        );
        assert_eq!(
            t.retreat(at("2026-03-05T11:00:00Z"), 600 * MINUTE, -far),
            Some(at("2026-03-03T09:00:00Z"))
        );
        // The latest start of a whole shift is the opening, not the closed
        // night before it.
        assert_eq!(
            t.retreat(at("2026-03-03T15:00:00Z"), 8 * HOUR, -far),
            Some(at("2026-03-03T07:00:00Z"))
        );
        let mut out = vec![];
        t.pieces(
            at("2026-03-03T14:00:00Z"),
            at("2026-03-05T08:00:00Z"),
            &mut out,
        );
        assert_eq!(
            out,
            vec![
                (at("2026-03-03T14:00:00Z"), at("2026-03-03T15:00:00Z")),
                (at("2026-03-05T07:00:00Z"), at("2026-03-05T08:00:00Z")),
            ]
        );
        // Limits: nothing open on a weekend-only search.
        let sat = t.shift_day(at("2026-03-07T12:00:00Z"));
        assert_eq!(t.next_open(at("2026-03-07T12:00:00Z"), sat + 1), None);
    }

    #[test]
    fn a_night_shift_belongs_to_the_day_it_starts() {
        // 22:00 local at UTC+7 for 480 minutes: 15:00–23:00 UTC.
        let c = ShiftCalendar {
            minutes_per_weekday: [480; 7],
            day_start_minute: 22 * 60,
            holidays: vec![],
            closures: vec![],
        };
        let t = OpenTime::new(&c, 7 * 60);
        let mon = Date::parse("d", "2026-03-02").unwrap().days();
        assert_eq!(t.shift_day(at("2026-03-02T15:00:00Z")), mon);
        assert_eq!(t.shift_day(at("2026-03-03T14:59:59Z")), mon);
        assert_eq!(t.shift_day(at("2026-03-02T14:59:59Z")), mon - 1);
    }

    #[test]
    fn profile_steps_add_and_give_back() {
        let mut p = Profile::default();
        p.add(10, 20, 1);
        p.add(15, 30, 2);
        assert_eq!(
            [5, 10, 15, 20, 29, 30].map(|t| p.level_at(t)),
            [0, 1, 3, 2, 2, 0]
        );
        assert_eq!(p.first_at_least(0, 40, 2), Some(15));
        assert_eq!(p.first_at_least(0, 15, 2), None);
        assert_eq!(p.next_below(15, 2), Some(30));
        let mut seg = vec![];
        p.segments(12, 25, |x, y, l| seg.push((x, y, l)));
        assert_eq!(seg, vec![(12, 15, 1), (15, 20, 3), (20, 25, 2)]);
        p.add(15, 30, -2);
        assert_eq!(p.level_at(16), 1);
        assert_eq!(p.level_at(25), 0);
    }
}
