//! Properties of plans over random floors: calendars with closed days,
//! holidays and closures, 1–4 slots, maintenance cuts, bookings, and jobs
//! waiting for random earlier jobs. Checked against the calendar directly
//! (not the planner's own time line): no job starts before what it waits
//! for ends; no centre ever works more jobs at an open instant than its
//! slots less cuts and bookings; every job gets exactly its minutes of open
//! time; none starts before its release; the same input gives the same
//! plan. Moves keep the first two.

use super::*;
use crate::master::{Date, ShiftCalendar};
use crate::time::{Millis, MINUTE};
use proptest::prelude::*;

const DAY: Millis = 1440 * MINUTE;

fn base() -> Date {
    Date::parse("d", "2026-03-02").unwrap()
}

fn base_ms() -> Millis {
    base().days() * DAY
}

fn calendar() -> impl Strategy<Value = ShiftCalendar> {
    let minutes = prop::sample::select(vec![0u32, 0, 240, 480, 480, 600, 1440]);
    (
        proptest::array::uniform7(minutes),
        0u32..96,
        prop::collection::vec(0i64..30, 0..4),
        prop::collection::vec((0i64..30 * 1440, 1i64..3000), 0..3),
    )
        .prop_map(|(mut m, start, holidays, closures)| {
            if m.iter().all(|x| *x == 0) {
                m[0] = 480;
            }
            ShiftCalendar {
                minutes_per_weekday: m,
                day_start_minute: start * 15,
                holidays: holidays.into_iter().map(|d| base().add_days(d)).collect(),
                closures: closures
                    .into_iter()
                    .map(|(s, len)| (base_ms() + s * MINUTE, base_ms() + (s + len) * MINUTE))
                    .collect(),
            }
        })
}

#[derive(Debug, Clone)]
struct Case {
    floor: Floor,
    jobs: Vec<JobReq>,
}

fn case() -> impl Strategy<Value = Case> {
    let centres = prop::collection::vec((calendar(), 1u32..=4), 1..=3);
    let cuts = prop::collection::vec((0usize..3, 0i64..20 * 1440, 1i64..3 * 1440, 1u32..=4), 0..4);
    let bookings = prop::collection::vec((0usize..3, 0i64..10 * 1440, 1i64..1000), 0..3);
    let job = (
        0usize..3,
        prop::sample::select(vec![0u32, 30, 60, 125, 300, 480, 900]),
        0i64..10 * DAY,
        prop::option::of(0i64..20 * DAY),
        0i64..3,
        prop::collection::vec(0usize..1000, 0..3),
    );
    let jobs = prop::collection::vec(job, 1..25);
    (centres, cuts, bookings, jobs, -48i32..=56).prop_map(|(cs, cuts, bookings, jobs, off)| {
        let n = cs.len();
        let centres: Vec<Centre> = cs
            .into_iter()
            .enumerate()
            .map(|(i, (calendar, slots))| Centre {
                id: 10 + i as i64,
                calendar,
                slots,
            })
            .collect();
        let b = base_ms();
        Case {
            floor: Floor {
                cuts: cuts
                    .into_iter()
                    .map(|(c, s, len, slots)| CapacityCut {
                        centre: 10 + (c % n) as i64,
                        start: b + s * MINUTE,
                        end: b + (s + len) * MINUTE,
                        slots,
                    })
                    .collect(),
                bookings: bookings
                    .into_iter()
                    .map(|(c, s, len)| Booking {
                        centre: 10 + (c % n) as i64,
                        start: b + s * MINUTE,
                        end: b + (s + len) * MINUTE,
                    })
                    .collect(),
                centres,
                horizon: Horizon {
                    utc_offset_minutes: off * 15,
                    search_days: 400,
                },
            },
            jobs: jobs
                .into_iter()
                .enumerate()
                .map(|(i, (c, minutes, earliest, due, priority, after))| JobReq {
                    id: 100 + i as i64,
                    centre: 10 + (c % n) as i64,
                    minutes,
                    // Only earlier jobs: no loops.
                    after: if i == 0 {
                        vec![]
                    } else {
                        after.into_iter().map(|a| 100 + (a % i) as i64).collect()
                    },
                    earliest: b + earliest,
                    due: due.map(|d| b + d),
                    priority,
                })
                .collect(),
        }
    })
}

/// Every open interval of `cal` between `from` and `to`, from the
/// calendar itself.
fn open(cal: &ShiftCalendar, offset: i32, from: Millis, to: Millis) -> Vec<(Millis, Millis)> {
    let first = from.div_euclid(DAY) - 2;
    let last = to.div_euclid(DAY) + 2;
    (first..=last)
        .flat_map(|d| cal.open_intervals(Date::from_days(d), offset))
        .collect()
}

fn open_ms(iv: &[(Millis, Millis)], a: Millis, b: Millis) -> Millis {
    iv.iter().map(|&(x, y)| (y.min(b) - x.max(a)).max(0)).sum()
}

fn active<T>(items: &[T], t: Millis, span: impl Fn(&T) -> (Millis, Millis)) -> usize {
    items
        .iter()
        .filter(|x| {
            let (s, e) = span(x);
            s <= t && t < e
        })
        .count()
}

/// (a), (b), (c), (d) and the late rule for `s`. Milestones (0 minutes)
/// take no time; as planned (`exact`) they sit exactly where they may first
/// be, after a move (pinned, or pushed) anywhere later.
fn check(c: &Case, s: &Schedule, exact: bool) -> Result<(), TestCaseError> {
    let f = &c.floor;
    let off = f.horizon.utc_offset_minutes;
    prop_assert_eq!(s.jobs.len(), c.jobs.len());
    let by_id = |id: i64| s.get(id).unwrap();
    for (j, p) in c.jobs.iter().zip(&s.jobs) {
        prop_assert_eq!(j.id, p.id);
        // (a) after everything it waits for; (d) not before its release.
        let ready = j
            .after
            .iter()
            .map(|a| by_id(*a).end)
            .fold(j.earliest, Millis::max);
        prop_assert!(p.start >= ready, "job {} starts before {}", p.id, ready);
        prop_assert_eq!(p.late, j.due.is_some_and(|d| p.end > d));
        let cal = &f
            .centres
            .iter()
            .find(|x| x.id == p.centre)
            .unwrap()
            .calendar;
        let iv = open(cal, off, p.start, p.end);
        if j.minutes == 0 {
            prop_assert_eq!(p.start, p.end, "milestone {}", p.id);
            prop_assert!(!exact || p.start == ready, "milestone {}", p.id);
        } else {
            // (c) exactly its minutes of open time, starting open, ending
            // as soon as it has them.
            let ms = j.minutes as Millis * MINUTE;
            prop_assert_eq!(open_ms(&iv, p.start, p.end), ms, "job {}", p.id);
            prop_assert!(open_ms(&iv, p.start, p.end - 1) < ms);
            prop_assert!(iv.iter().any(|&(a, b)| a <= p.start && p.start < b));
        }
    }
    // (b) sweep each centre over every instant where anything changes.
    for centre in &f.centres {
        let jobs: Vec<&Planned> = s
            .jobs
            .iter()
            .filter(|p| p.centre == centre.id && p.start < p.end)
            .collect();
        let (Some(lo), Some(hi)) = (
            jobs.iter().map(|p| p.start).min(),
            jobs.iter().map(|p| p.end).max(),
        ) else {
            continue;
        };
        let iv = open(&centre.calendar, off, lo, hi);
        let cuts: Vec<_> = f.cuts.iter().filter(|x| x.centre == centre.id).collect();
        let books: Vec<_> = f
            .bookings
            .iter()
            .filter(|x| x.centre == centre.id)
            .collect();
        let mut points: Vec<Millis> = jobs.iter().flat_map(|p| [p.start, p.end]).collect();
        points.extend(cuts.iter().flat_map(|x| [x.start, x.end]));
        points.extend(books.iter().flat_map(|x| [x.start, x.end]));
        points.extend(iv.iter().flat_map(|&(a, b)| [a, b]));
        points.sort_unstable();
        points.dedup();
        for &t in points.iter().filter(|&&t| lo <= t && t < hi) {
            if !iv.iter().any(|&(a, b)| a <= t && t < b) {
                continue;
            }
            let working = active(&jobs, t, |p| (p.start, p.end));
            if working == 0 {
                continue;
            }
            let cut: u32 = cuts
                .iter()
                .filter(|x| x.start <= t && t < x.end)
                .map(|x| x.slots)
                .sum();
            let booked = active(&books, t, |b| (b.start, b.end));
            prop_assert!(
                working as u32 + booked as u32 + cut <= centre.slots,
                "centre {} at {}: {} jobs, {} booked, {} cut, {} slots",
                centre.id,
                crate::time::format_iso(t),
                working,
                booked,
                cut,
                centre.slots
            );
        }
    }
    Ok(())
}

/// The backward pass against the calendar: each latest start leaves
/// exactly the job's minutes of open time before its latest finish.
fn check_latest(c: &Case, s: &Schedule) -> Result<(), TestCaseError> {
    let off = c.floor.horizon.utc_offset_minutes;
    for (j, p) in c.jobs.iter().zip(&s.jobs) {
        let succ = c
            .jobs
            .iter()
            .filter(|x| x.after.contains(&j.id))
            .filter_map(|x| s.get(x.id).unwrap().latest_start);
        let finish = j.due.into_iter().chain(succ).min();
        prop_assert_eq!(finish.is_some(), p.latest_start.is_some(), "job {}", j.id);
        if let (Some(f), Some(ls)) = (finish, p.latest_start) {
            let cal = &c
                .floor
                .centres
                .iter()
                .find(|x| x.id == p.centre)
                .unwrap()
                .calendar;
            let iv = open(cal, off, ls, f);
            prop_assert_eq!(open_ms(&iv, ls, f), j.minutes as Millis * MINUTE);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn plans_keep_order_capacity_minutes_and_release(c in case()) {
        let s = schedule(&c.floor, &c.jobs).unwrap();
        check(&c, &s, true)?;
        check_latest(&c, &s)?;
        // (e) the same input, the same plan; the order jobs are listed in
        // changes only the order of the answer.
        prop_assert_eq!(&schedule(&c.floor, &c.jobs).unwrap(), &s);
        let mut rev = c.jobs.clone();
        rev.reverse();
        let mut again = schedule(&c.floor, &rev).unwrap().jobs;
        again.reverse();
        prop_assert_eq!(again, s.jobs);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn accepted_moves_keep_order_and_capacity(
        c in case(),
        pick in 0usize..1000,
        shift in -2000i64..6000,
        snap in prop::option::of((0usize..1000, 0i64..100)),
        other in prop::option::of(0usize..3),
    ) {
        let s = schedule(&c.floor, &c.jobs).unwrap();
        let k = pick % c.jobs.len();
        let centre = other.map(|o| c.floor.centres[o % c.floor.centres.len()].id);
        // Mostly to an open instant of the target centre (a drag lands on
        // the chart's open time), sometimes anywhere.
        let mut start = s.jobs[k].start + shift * MINUTE;
        if let Some((i, pct)) = snap {
            let target = centre.unwrap_or(s.jobs[k].centre);
            let cal = &c.floor.centres.iter().find(|x| x.id == target).unwrap().calendar;
            let near = s.jobs[k].start;
            let iv = open(cal, c.floor.horizon.utc_offset_minutes, near - 2 * DAY, near + 6 * DAY);
            if !iv.is_empty() {
                let (a, b) = iv[i % iv.len()];
                start = a + (b - a) * pct / 100;
            }
        }
        let request = MoveRequest {
            job: c.jobs[k].id,
            start,
            centre,
        };
        match move_job(&c.floor, &c.jobs, &s, &request) {
            Ok(m) => {
                // Checked as a plan of the jobs where they now are.
                let mut moved = c.clone();
                for (j, p) in moved.jobs.iter_mut().zip(&m.schedule.jobs) {
                    j.centre = p.centre;
                }
                check(&moved, &m.schedule, false)?;
                let p = &m.schedule.jobs[k];
                prop_assert_eq!(p.start, request.start);
                prop_assert_eq!(p.centre, centre.unwrap_or(s.jobs[k].centre));
                // Only the job and work waiting for it move, and that only later.
                let waits = |id: i64| {
                    let mut seen = vec![c.jobs[k].id];
                    let mut grew = true;
                    while grew {
                        grew = false;
                        for j in &c.jobs {
                            if !seen.contains(&j.id) && j.after.iter().any(|a| seen.contains(a)) {
                                seen.push(j.id);
                                grew = true;
                            }
                        }
                    }
                    seen.contains(&id) && id != c.jobs[k].id
                };
                for (before, after) in s.jobs.iter().zip(&m.schedule.jobs) {
                    let changed = (before.centre, before.start, before.end)
                        != (after.centre, after.start, after.end);
                    prop_assert_eq!(changed, m.changed.contains(&after.id));
                    if after.id != request.job {
                        prop_assert!(!changed || waits(after.id), "job {} moved", after.id);
                        prop_assert!(after.start >= before.start);
                    }
                }
            }
            Err(e) => prop_assert_eq!(e.status(), 409, "{}", e),
        }
    }
}

/// A floor of `n` centres for the timing test: two shifts on six days or
/// one on five, 1–4 slots, a breakdown on every third.
pub(super) fn big_floor(n: i64) -> Floor {
    let b = base_ms();
    Floor {
        centres: (0..n)
            .map(|i| Centre {
                id: i,
                calendar: ShiftCalendar {
                    minutes_per_weekday: if i % 2 == 0 {
                        [960, 960, 960, 960, 960, 960, 0]
                    } else {
                        [480, 480, 480, 480, 480, 0, 0]
                    },
                    day_start_minute: 360,
                    holidays: vec![base().add_days(10), base().add_days(40)],
                    closures: vec![],
                },
                slots: 1 + (i % 4) as u32,
            })
            .collect(),
        cuts: (0..n)
            .filter(|i| i % 3 == 0)
            .map(|i| CapacityCut {
                centre: i,
                start: b + (i + 2) * DAY + 8 * 60 * MINUTE,
                end: b + (i + 3) * DAY,
                slots: 1,
            })
            .collect(),
        bookings: vec![],
        horizon: Horizon {
            utc_offset_minutes: 420,
            search_days: 400,
        },
    }
}

/// `orders` orders of `ops` operations each, operation k waiting for k − 1,
/// spread over `centres` centres with pseudo-random minutes and releases.
pub(super) fn big_jobs(orders: i64, ops: i64, centres: i64) -> Vec<JobReq> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let mut jobs = Vec::with_capacity((orders * ops) as usize);
    for o in 0..orders {
        let release = base_ms() + next(30) as i64 * DAY;
        let due = release + (10 + next(30) as i64) * DAY;
        for k in 0..ops {
            let id = o * ops + k;
            jobs.push(JobReq {
                id,
                centre: (o * 7 + k * 3 + next(3) as i64) % centres,
                minutes: 30 + next(600) as u32,
                after: if k == 0 { vec![] } else { vec![id - 1] },
                earliest: release,
                due: (k == ops - 1).then_some(due),
                priority: next(3) as i64,
            });
        }
    }
    jobs
}
