//! Hand-computed plans. The centre of most of them works Monday to Friday,
//! 07:00–15:00 (480 minutes from minute 420), at UTC+0, and is shut for a
//! holiday on Wednesday 2026-03-04:
//!
//! ```text
//! Mon 03-02  07–15    Tue 03-03  07–15    Wed 03-04  holiday
//! Thu 03-05  07–15    Fri 03-06  07–15    Sat, Sun   closed
//! ```

use super::*;
use crate::master::{Date, ShiftCalendar};
use crate::time::{parse_iso, Millis};

pub(super) fn at(s: &str) -> Millis {
    parse_iso(s).unwrap_or_else(|| panic!("bad instant {s}"))
}

pub(super) fn weekdays(holidays: &[&str]) -> ShiftCalendar {
    ShiftCalendar {
        minutes_per_weekday: [480, 480, 480, 480, 480, 0, 0],
        day_start_minute: 420,
        holidays: holidays
            .iter()
            .map(|h| Date::parse("h", h).unwrap())
            .collect(),
        closures: vec![],
    }
}

pub(super) fn centre(id: i64, slots: u32) -> Centre {
    Centre {
        id,
        calendar: weekdays(&["2026-03-04"]),
        slots,
    }
}

pub(super) fn floor(centres: Vec<Centre>) -> Floor {
    Floor {
        centres,
        ..Default::default()
    }
}

/// A job on centre 1 released Monday 07:00, no due date.
pub(super) fn job(id: i64, minutes: u32, after: &[i64]) -> JobReq {
    JobReq {
        id,
        centre: 1,
        minutes,
        after: after.to_vec(),
        earliest: at("2026-03-02T07:00:00Z"),
        due: None,
        priority: 0,
    }
}

/// `(id, start, end)` of every job.
pub(super) fn spans(s: &Schedule) -> Vec<(i64, Millis, Millis)> {
    s.jobs.iter().map(|p| (p.id, p.start, p.end)).collect()
}

pub(super) fn three_jobs() -> Vec<JobReq> {
    vec![job(1, 600, &[]), job(2, 300, &[]), job(3, 480, &[1])]
}

#[test]
fn two_slots_a_holiday_and_a_job_that_waits() {
    let s = schedule(&floor(vec![centre(1, 2)]), &three_jobs()).unwrap();
    // Planning order 1, 2, 3 (3 waits for 1).
    // 1: Mon 07:00, 480 min Monday + 120 Tuesday → Tue 09:00.
    // 2: the second slot, Mon 07:00 + 300 min → Mon 12:00.
    // 3: from Tue 09:00 (when 1 ends): 360 min Tuesday, Wednesday is a
    //    holiday, 120 min Thursday → Thu 09:00.
    assert_eq!(
        spans(&s),
        vec![
            (1, at("2026-03-02T07:00:00Z"), at("2026-03-03T09:00:00Z")),
            (2, at("2026-03-02T07:00:00Z"), at("2026-03-02T12:00:00Z")),
            (3, at("2026-03-03T09:00:00Z"), at("2026-03-05T09:00:00Z")),
        ]
    );
    assert!(s.jobs.iter().all(|p| p.centre == 1 && !p.late));
    assert!(s.jobs.iter().all(|p| p.latest_start.is_none()));
}

#[test]
fn one_slot_queues_the_jobs() {
    let s = schedule(&floor(vec![centre(1, 1)]), &three_jobs()).unwrap();
    // 1: Mon 07:00 → Tue 09:00 as before.
    // 2: waits for the slot until Tue 09:00; 300 min → Tue 14:00.
    // 3: ready at Tue 09:00 but the slot is 2's until 14:00; 60 min
    //    Tuesday, the holiday, 420 min Thursday → Thu 14:00.
    assert_eq!(
        spans(&s),
        vec![
            (1, at("2026-03-02T07:00:00Z"), at("2026-03-03T09:00:00Z")),
            (2, at("2026-03-03T09:00:00Z"), at("2026-03-03T14:00:00Z")),
            (3, at("2026-03-03T14:00:00Z"), at("2026-03-05T14:00:00Z")),
        ]
    );
}

#[test]
fn priority_goes_first_among_ready_jobs() {
    let mut jobs = three_jobs();
    jobs[1].priority = -1;
    let s = schedule(&floor(vec![centre(1, 1)]), &jobs).unwrap();
    // 2 first: Mon 07:00–12:00; 1: Mon 12:00, 180 min Monday, 420
    // Tuesday → Tue 14:00; 3: Tue 14:00, 60 + 420 → Thu 14:00.
    assert_eq!(
        spans(&s),
        vec![
            (1, at("2026-03-02T12:00:00Z"), at("2026-03-03T14:00:00Z")),
            (2, at("2026-03-02T07:00:00Z"), at("2026-03-02T12:00:00Z")),
            (3, at("2026-03-03T14:00:00Z"), at("2026-03-05T14:00:00Z")),
        ]
    );
}

#[test]
fn a_breakdown_pushes_a_job_past_it() {
    // One machine of the two is down Monday 09:00–11:00.
    let mut f = floor(vec![centre(1, 2)]);
    f.cuts.push(CapacityCut {
        centre: 1,
        start: at("2026-03-02T09:00:00Z"),
        end: at("2026-03-02T11:00:00Z"),
        slots: 1,
    });
    let s = schedule(&f, &three_jobs()).unwrap();
    // 1: Mon 07:00 → Tue 09:00; during the breakdown it has the one
    //    machine left.
    // 2: from Mon 07:00 its span would hold 09:00, when 1 and the
    //    breakdown take both slots; it starts when the machine is back,
    //    11:00: 240 min Monday + 60 Tuesday → Tue 08:00.
    // 3: Tue 09:00 → Thu 09:00 as without the breakdown.
    assert_eq!(
        spans(&s),
        vec![
            (1, at("2026-03-02T07:00:00Z"), at("2026-03-03T09:00:00Z")),
            (2, at("2026-03-02T11:00:00Z"), at("2026-03-03T08:00:00Z")),
            (3, at("2026-03-03T09:00:00Z"), at("2026-03-05T09:00:00Z")),
        ]
    );
    // On a one-machine centre a job is not split around the breakdown:
    // 300 min from Mon 07:00 would run into it, so it starts at 11:00:
    // 240 min Monday + 60 Tuesday → Tue 08:00.
    let mut f = floor(vec![centre(1, 1)]);
    f.cuts.push(CapacityCut {
        centre: 1,
        start: at("2026-03-02T09:00:00Z"),
        end: at("2026-03-02T11:00:00Z"),
        slots: 1,
    });
    let s = schedule(&f, &[job(1, 300, &[])]).unwrap();
    assert_eq!(
        spans(&s),
        vec![(1, at("2026-03-02T11:00:00Z"), at("2026-03-03T08:00:00Z"))]
    );
}

#[test]
fn bookings_hold_their_slot() {
    // A job in progress holds the only slot until Mon 10:00.
    let mut f = floor(vec![centre(1, 1)]);
    f.bookings.push(Booking {
        centre: 1,
        start: at("2026-03-02T06:00:00Z"),
        end: at("2026-03-02T10:00:00Z"),
    });
    let s = schedule(&f, &[job(1, 60, &[])]).unwrap();
    assert_eq!(
        spans(&s),
        vec![(1, at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z"))]
    );
}

#[test]
fn late_flags_and_latest_starts() {
    let mut jobs = three_jobs();
    jobs[1].due = Some(at("2026-03-02T11:00:00Z"));
    jobs[2].due = Some(at("2026-03-05T12:00:00Z"));
    let s = schedule(&floor(vec![centre(1, 2)]), &jobs).unwrap();
    // Placed as in `two_slots_a_holiday_and_a_job_that_waits`.
    let p = |id| s.get(id).unwrap().clone();
    // 2 ends Mon 12:00, due 11:00: late. Its latest start: 240 min on
    // Monday 07:00–11:00, the other 60 before Friday's 15:00 close.
    assert!(p(2).late);
    assert_eq!(p(2).latest_start, Some(at("2026-02-27T14:00:00Z")));
    // 3 ends Thu 09:00, due Thu 12:00: on time. Latest start: 300 min on
    // Thursday 07:00–12:00, none on the holiday, 180 before Tue 15:00.
    assert!(!p(3).late);
    assert_eq!(p(3).latest_start, Some(at("2026-03-03T12:00:00Z")));
    // 1 has no due date but 3 waits for it: it must end by Tue 12:00.
    // 300 min Tuesday 07:00–12:00, 300 before Mon 15:00 → Mon 10:00.
    assert!(!p(1).late);
    assert_eq!(p(1).latest_start, Some(at("2026-03-02T10:00:00Z")));
}

#[test]
fn a_milestone_takes_no_time_and_no_slot() {
    let mut jobs = three_jobs();
    jobs.push(job(4, 0, &[1]));
    let mut sat = job(5, 0, &[]);
    sat.earliest = at("2026-03-07T10:00:00Z");
    jobs.push(sat);
    jobs.push(job(6, 60, &[4]));
    let s = schedule(&floor(vec![centre(1, 1)]), &jobs).unwrap();
    // 4 is reached when 1 ends (Tue 09:00), though 2 then holds the only
    // slot; 5 sits on its Saturday though the centre is closed.
    let p = |id| {
        let p = s.get(id).unwrap();
        (p.start, p.end)
    };
    let tue9 = at("2026-03-03T09:00:00Z");
    assert_eq!(p(4), (tue9, tue9));
    let sat = at("2026-03-07T10:00:00Z");
    assert_eq!(p(5), (sat, sat));
    // Order: 1, 2, 3 (id 3 < 4), 4, 6 — 3 took the slot after 2 (Tue
    // 14:00 → Thu 14:00), so 6 waits for it: Thu 14:00–15:00.
    assert_eq!(
        p(6),
        (at("2026-03-05T14:00:00Z"), at("2026-03-05T15:00:00Z"))
    );
}

#[test]
fn errors_name_the_job() {
    let f = floor(vec![centre(1, 1)]);
    let mut lost = job(7, 60, &[]);
    lost.centre = 9;
    let e = schedule(&f, &[lost]).unwrap_err();
    assert_eq!(e.status(), 409);
    assert_eq!(
        e.to_string(),
        "job 7 is routed to work centre 9, which is not in the plan"
    );
    let e = schedule(&f, &[job(1, 60, &[2]), job(2, 60, &[1])]).unwrap_err();
    assert_eq!(e.to_string(), "job 1 waits for itself: 1 after 2 after 1");
    let e = schedule(&f, &[job(1, 60, &[5])]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "job 1 waits for job 5, which is not in the plan"
    );
    // A centre that never opens.
    let mut shut = floor(vec![centre(1, 1)]);
    shut.centres[0].calendar.minutes_per_weekday = [0; 7];
    shut.horizon.search_days = 30;
    let e = schedule(&shut, &[job(3, 60, &[])]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "job 3 cannot be planned within 30 days after 2026-03-02T07:00:00.000Z: \
         work centre 1 is never open then"
    );
    // A job longer than the search limit has open time for.
    let mut short = floor(vec![centre(1, 1)]);
    short.horizon.search_days = 3;
    let e = schedule(&short, &[job(4, 2000, &[])]).unwrap_err();
    assert!(e.to_string().contains("job 4 cannot be planned"), "{e}");
    assert!(e.to_string().contains("not enough open time"), "{e}");
    // Centres: no slot, or twice.
    let e = schedule(&floor(vec![centre(1, 0)]), &[]).unwrap_err();
    assert_eq!(e.to_string(), "work centre 1 has no parallel capacity");
    let e = schedule(&floor(vec![centre(1, 1), centre(1, 2)]), &[]).unwrap_err();
    assert_eq!(e.to_string(), "work centre 1 is in the plan twice");
}

#[test]
fn promise_after_the_current_load() {
    let f = floor(vec![centre(1, 1)]);
    let existing = schedule(&f, &three_jobs()).unwrap();
    // The one slot is taken until Thu 14:00 (`one_slot_queues_the_jobs`).
    // 11: 300 min from Thu 14:00: 60 Thursday + 240 Friday → Fri 11:00.
    // 12 waits for 11: 120 min → Fri 13:00.
    let mut n12 = job(12, 120, &[11]);
    n12.priority = 5;
    let date = promise(&f, &existing, &[job(11, 300, &[]), n12]).unwrap();
    assert_eq!(date, at("2026-03-06T13:00:00Z"));
    // New work may wait for planned work: 13 after 2 (ends Tue 14:00),
    // on a second, empty centre: Tue 14:00–15:00.
    let mut two = f.clone();
    two.centres.push(centre(2, 1));
    let mut n13 = job(13, 60, &[2]);
    n13.centre = 2;
    assert_eq!(
        promise(&two, &existing, &[n13]).unwrap(),
        at("2026-03-03T15:00:00Z")
    );
    assert_eq!(
        promise(&f, &existing, &[job(2, 10, &[])])
            .unwrap_err()
            .to_string(),
        "job 2 is already planned"
    );
    assert_eq!(promise(&f, &existing, &[]).unwrap_err().status(), 422);
}

#[test]
fn load_and_capacity_by_day() {
    let mut f = floor(vec![centre(1, 2), centre(2, 1)]);
    f.cuts.push(CapacityCut {
        centre: 1,
        start: at("2026-03-02T09:00:00Z"),
        end: at("2026-03-02T11:00:00Z"),
        slots: 1,
    });
    f.bookings.push(Booking {
        centre: 2,
        start: at("2026-03-06T07:00:00Z"),
        end: at("2026-03-06T09:00:00Z"),
    });
    let mut jobs = three_jobs();
    let mut j4 = job(4, 900, &[]);
    j4.centre = 2;
    jobs.push(j4);
    let s = schedule(&f, &jobs).unwrap();
    // Centre 1 as in `a_breakdown_pushes_a_job_past_it`: 1 Mon 07:00 →
    // Tue 09:00, 2 Mon 11:00 → Tue 08:00, 3 Tue 09:00 → Thu 09:00.
    // Centre 2: 4 Mon 07:00, 480 + 420 → Tue 14:00.
    assert_eq!(
        (s.jobs[3].start, s.jobs[3].end),
        (at("2026-03-02T07:00:00Z"), at("2026-03-03T14:00:00Z"))
    );
    let mon = Date::parse("d", "2026-03-02").unwrap();
    let days = load_by_day(&f, &s, mon, 5);
    let got: Vec<(i64, String, u32, u32)> = days
        .iter()
        .map(|d| {
            (
                d.centre,
                d.date.to_string(),
                d.load_minutes,
                d.capacity_minutes,
            )
        })
        .collect();
    let row = |c, d: &str, l, k| (c, d.to_string(), l, k);
    assert_eq!(
        got,
        vec![
            // Mon: 1 works 480, 2 works 240; 2 × 480 less the 120-minute
            // breakdown of one machine.
            row(1, "2026-03-02", 720, 840),
            // Tue: 1 120, 2 60, 3 360.
            row(1, "2026-03-03", 540, 960),
            row(1, "2026-03-04", 0, 0),
            row(1, "2026-03-05", 120, 960),
            row(1, "2026-03-06", 0, 960),
            row(2, "2026-03-02", 480, 480),
            row(2, "2026-03-03", 420, 480),
            row(2, "2026-03-04", 0, 0),
            row(2, "2026-03-05", 0, 480),
            // The booking, 07:00–09:00.
            row(2, "2026-03-06", 120, 480),
        ]
    );
    // Centre 1: 1,380 of 3,720 (0.37); centre 2: 1,020 of 1,920 (0.53).
    assert_eq!(
        bottleneck(&days),
        Some(Bottleneck {
            centre: 2,
            load_minutes: 1020,
            capacity_minutes: 1920,
            overload_minutes: 0,
        })
    );
}

#[test]
fn the_bottleneck_by_ratio_then_id() {
    let mon = Date::parse("d", "2026-03-02").unwrap();
    let d = |centre, load_minutes, capacity_minutes| DayLoad {
        centre,
        date: mon,
        load_minutes,
        capacity_minutes,
    };
    // Centre 5: 600 of 960, 20 over on its first day; centre 6: 300 of 400.
    let days = vec![d(5, 500, 480), d(5, 100, 480), d(6, 300, 400)];
    assert_eq!(
        bottleneck(&days),
        Some(Bottleneck {
            centre: 6,
            load_minutes: 300,
            capacity_minutes: 400,
            overload_minutes: 0,
        })
    );
    assert_eq!(bottleneck(&days[..2]).unwrap().overload_minutes, 20);
    // Work where there is no capacity at all outranks any ratio.
    let mut none = days.clone();
    none.push(d(7, 10, 0));
    let b = bottleneck(&none).unwrap();
    assert_eq!((b.centre, b.overload_minutes), (7, 10));
    // Ties go to the lower id; nothing loaded, no bottleneck.
    assert_eq!(
        bottleneck(&[d(9, 240, 480), d(8, 120, 240)])
            .unwrap()
            .centre,
        8
    );
    assert_eq!(bottleneck(&[d(1, 0, 480)]), None);
    assert_eq!(bottleneck(&[]), None);
}

/// `cargo test -p domain --release -- --ignored --nocapture two_thousand`
#[test]
#[ignore]
fn two_thousand_jobs_over_twenty_centres() {
    for centres in [20, 5] {
        let f = super::tests_props::big_floor(centres);
        let jobs = super::tests_props::big_jobs(500, 4, centres);
        let t = std::time::Instant::now();
        let s = schedule(&f, &jobs).unwrap();
        let took = t.elapsed();
        println!(
            "2,000 jobs over {centres} centres: {took:?}; the last ends {}",
            crate::time::format_iso(s.end().unwrap())
        );
        // Drag the first operation of the first order a day later, to the
        // first open instant with room (found by planning it alone there).
        let first = &s.jobs[0];
        let mut probe = f.clone();
        // Everything but order 0 (jobs 0–3) stays put.
        probe.bookings = s.jobs[4..]
            .iter()
            .map(|p| Booking {
                centre: p.centre,
                start: p.start,
                end: p.end,
            })
            .collect();
        let mut alone = jobs[0].clone();
        alone.earliest = first.start + 24 * crate::time::HOUR;
        alone.due = None;
        let target = schedule(&probe, &[alone]).unwrap().jobs[0].start;
        let t = std::time::Instant::now();
        let moved = move_job(
            &f,
            &jobs,
            &s,
            &MoveRequest {
                job: first.id,
                start: target,
                centre: None,
            },
        );
        match moved {
            Ok(m) => println!("  a move: {:?}, changed {:?}", t.elapsed(), m.changed),
            Err(e) => println!("  a move: {:?}, refused: {e}", t.elapsed()),
        }
    }
}
