//! The planning board: each work centre's open time and taken slots, and
//! the one question everything else asks of it — where can a job of so many
//! working minutes go?
//!
//! A job holds one slot of its centre from its start to its end. It works
//! only while the centre is open, so it ends when it has had its minutes of
//! open time; through the closed nights, weekends and holidays in between
//! it keeps its slot (the half-sewn garments stay on the line) but that
//! costs nothing, because capacity only counts while the centre is open. At
//! every open instant of `[start, end)` it needs a free slot: the centre's
//! slots, minus those maintenance cuts take then, minus the other jobs and
//! bookings there then. A job is never split around a breakdown: if a cut
//! leaves no slot in the middle of its span, it starts after the cut.

use super::schedule::Floor;
use super::timeline::{OpenTime, Profile};
use crate::error::AppError;
use crate::time::{format_iso, Millis, MINUTE};
use rustc_hash::FxHashMap;

/// One centre on the board.
pub(crate) struct Lane<'a> {
    pub id: i64,
    pub slots: u32,
    pub time: OpenTime<'a>,
    /// Slots taken: cuts, bookings and placed jobs together.
    pub used: Profile,
    /// This centre's cuts `(start, end, slots)`, for naming one in a refusal.
    pub cuts: Vec<(Millis, Millis, u32)>,
    scratch: Vec<(Millis, Millis)>,
}

/// Whether work can start at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// It can; it ends here.
    Ends(Millis),
    /// The centre is closed then.
    Closed,
    /// No slot is free at this open instant inside its span.
    Blocked(Millis),
    /// It would not end within the search limit.
    TooLong,
}

impl Lane<'_> {
    fn cap(&self) -> i64 {
        self.slots as i64
    }

    /// Whether work of `ms` open milliseconds fits from `s`. Work of length
    /// 0 always fits: it needs neither open time nor a slot.
    pub fn fit(&mut self, s: Millis, ms: Millis, last_day: i64) -> Fit {
        if ms <= 0 {
            return Fit::Ends(s);
        }
        if !self.time.is_open(s) {
            return Fit::Closed;
        }
        let Some(e) = self.time.advance(s, ms, last_day) else {
            return Fit::TooLong;
        };
        self.scratch.clear();
        self.time.pieces(s, e, &mut self.scratch);
        let cap = self.cap();
        for &(x, y) in &self.scratch {
            if let Some(b) = self.used.first_at_least(x, y, cap) {
                return Fit::Blocked(b);
            }
        }
        Fit::Ends(e)
    }

    /// The earliest `(start, end)` at or after `from` where work of `ms`
    /// fits, or why not: `Err(true)` when the centre never opens before the
    /// limit, `Err(false)` when no span with a free slot ends before it.
    ///
    /// Only a few instants need trying. The earliest feasible start is
    /// `from`, the opening of an interval, or the end of some occupation or
    /// cut: just before any other instant the centre is as open and as free
    /// as at it. So from a candidate whose span is blocked at `b`, every
    /// start up to `b` is blocked too (its span holds `b`), and the next
    /// candidate is the first instant after `b` with a slot free, moved on
    /// to the next opening if the centre is closed then.
    pub fn earliest(
        &mut self,
        from: Millis,
        ms: Millis,
        last_day: i64,
    ) -> Result<(Millis, Millis), bool> {
        if ms <= 0 {
            return Ok((from, from));
        }
        let mut t = from;
        let mut opened = false;
        loop {
            let Some(s) = self.time.next_open(t, last_day) else {
                return Err(!opened);
            };
            opened = true;
            match self.fit(s, ms, last_day) {
                Fit::Ends(e) => return Ok((s, e)),
                Fit::Blocked(b) => match self.used.next_below(b, self.cap()) {
                    Some(n) => t = n,
                    None => return Err(false),
                },
                Fit::Closed => t = s + 1,
                Fit::TooLong => return Err(false),
            }
        }
    }

    /// The cut active at `t` that takes the most slots (the earliest such).
    pub fn cut_at(&self, t: Millis) -> Option<(Millis, Millis, u32)> {
        self.cuts
            .iter()
            .filter(|c| c.0 <= t && t < c.1)
            .copied()
            .min_by_key(|c| (std::cmp::Reverse(c.2), c.0, c.1))
    }

    /// Slots taken by cuts at `t`.
    pub fn cut_level(&self, t: Millis) -> i64 {
        self.cuts
            .iter()
            .filter(|c| c.0 <= t && t < c.1)
            .map(|c| c.2 as i64)
            .sum()
    }
}

/// All centres of a [`Floor`] with its cuts and bookings in place.
pub(crate) struct Board<'a> {
    pub lanes: Vec<Lane<'a>>,
    index: FxHashMap<i64, usize>,
    search_days: u32,
}

impl<'a> Board<'a> {
    /// The board for `floor`: a conflict if two centres share an id or one
    /// has no slot. Cuts and bookings of centres not on the floor are
    /// ignored (nothing here is planned on them).
    pub fn new(floor: &'a Floor) -> Result<Board<'a>, AppError> {
        let mut index = FxHashMap::default();
        let mut lanes = Vec::with_capacity(floor.centres.len());
        for c in &floor.centres {
            if index.insert(c.id, lanes.len()).is_some() {
                return Err(AppError::conflict(format!(
                    "work centre {} is in the plan twice",
                    c.id
                )));
            }
            if c.slots == 0 {
                return Err(AppError::conflict(format!(
                    "work centre {} has no parallel capacity",
                    c.id
                )));
            }
            lanes.push(Lane {
                id: c.id,
                slots: c.slots,
                time: OpenTime::new(&c.calendar, floor.horizon.utc_offset_minutes),
                used: Profile::default(),
                cuts: vec![],
                scratch: vec![],
            });
        }
        let mut board = Board {
            lanes,
            index,
            search_days: floor.horizon.search_days,
        };
        for cut in &floor.cuts {
            if let Some(l) = board.lane(cut.centre) {
                if cut.start < cut.end && cut.slots > 0 {
                    let lane = &mut board.lanes[l];
                    lane.used.add(cut.start, cut.end, cut.slots as i64);
                    lane.cuts.push((cut.start, cut.end, cut.slots));
                }
            }
        }
        for b in &floor.bookings {
            if let Some(l) = board.lane(b.centre) {
                board.book(l, b.start, b.end);
            }
        }
        Ok(board)
    }

    pub fn lane(&self, centre: i64) -> Option<usize> {
        self.index.get(&centre).copied()
    }

    /// The last shift day a search starting at `from` may reach.
    pub fn last_day(&self, lane: usize, from: Millis) -> i64 {
        self.lanes[lane].time.shift_day(from) + self.search_days as i64
    }

    /// The first shift day a backward search from `to` may reach.
    pub fn first_day(&self, lane: usize, to: Millis) -> i64 {
        self.lanes[lane].time.shift_day(to) - self.search_days as i64
    }

    /// Takes one slot over `[start, end)`.
    pub fn book(&mut self, lane: usize, start: Millis, end: Millis) {
        self.lanes[lane].used.add(start, end, 1);
    }

    /// Places job `job` of `minutes` at the earliest feasible start at or
    /// after `from` and books it; a conflict naming the job if there is
    /// none within the search limit.
    pub fn place(
        &mut self,
        lane: usize,
        job: i64,
        from: Millis,
        minutes: u32,
    ) -> Result<(Millis, Millis), AppError> {
        let last_day = self.last_day(lane, from);
        let l = &mut self.lanes[lane];
        match l.earliest(from, minutes as i64 * MINUTE, last_day) {
            Ok((s, e)) => {
                self.book(lane, s, e);
                Ok((s, e))
            }
            Err(never_open) => Err(self.unplaceable(lane, job, from, never_open)),
        }
    }

    /// Why job `job` could not be placed from `from`.
    pub fn unplaceable(&self, lane: usize, job: i64, from: Millis, never_open: bool) -> AppError {
        let (centre, days) = (self.lanes[lane].id, self.search_days);
        let why = if never_open {
            format!("work centre {centre} is never open then")
        } else {
            format!("work centre {centre} has not enough open time with a slot free then")
        };
        AppError::conflict(format!(
            "job {job} cannot be planned within {days} days after {}: {why}",
            format_iso(from)
        ))
    }
}
