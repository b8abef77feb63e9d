//! Hand-computed Gantt moves, on the week of [`super::tests_schedule`]:
//! centre 1 has two slots, a job in progress holding one of them all
//! Tuesday, and a preventive window taking both Friday 10:00–12:00.
//!
//! ```text
//! planned   1 (600)  Mon 07:00 → Tue 09:00
//!           2 (300)  Mon 07:00 → Mon 12:00
//!           3 (480)  Tue 09:00 → Thu 09:00   waits for 1
//! booking            Tue 07:00 → Tue 15:00
//! ```

use super::tests_schedule::{at, centre, floor, spans, three_jobs, weekdays};
use super::*;

fn setting() -> (Floor, Vec<JobReq>, Schedule) {
    let mut f = floor(vec![centre(1, 2)]);
    f.bookings.push(Booking {
        centre: 1,
        start: at("2026-03-03T07:00:00Z"),
        end: at("2026-03-03T15:00:00Z"),
    });
    f.cuts.push(CapacityCut {
        centre: 1,
        start: at("2026-03-06T10:00:00Z"),
        end: at("2026-03-06T12:00:00Z"),
        slots: 2,
    });
    let jobs = three_jobs();
    let s = schedule(&f, &jobs).unwrap();
    // 1 shares Tuesday 07:00–09:00 with the booking; 3 shares Tuesday
    // 09:00–15:00 with it.
    assert_eq!(
        spans(&s),
        vec![
            (1, at("2026-03-02T07:00:00Z"), at("2026-03-03T09:00:00Z")),
            (2, at("2026-03-02T07:00:00Z"), at("2026-03-02T12:00:00Z")),
            (3, at("2026-03-03T09:00:00Z"), at("2026-03-05T09:00:00Z")),
        ]
    );
    (f, jobs, s)
}

fn to(job: i64, start: &str) -> MoveRequest {
    MoveRequest {
        job,
        start: at(start),
        centre: None,
    }
}

#[test]
fn a_move_pushes_what_waits_for_it() {
    let (f, jobs, s) = setting();
    // 1 to Mon 12:00, after 2: 180 min Monday + 420 Tuesday → Tue 14:00,
    // beside the booking. 3 now starts before 1 ends, so it is pushed to
    // Tue 14:00: 60 min Tuesday, the holiday, 420 Thursday → Thu 14:00.
    // 2 stays where it was.
    let m = move_job(&f, &jobs, &s, &to(1, "2026-03-02T12:00:00Z")).unwrap();
    assert_eq!(
        spans(&m.schedule),
        vec![
            (1, at("2026-03-02T12:00:00Z"), at("2026-03-03T14:00:00Z")),
            (2, at("2026-03-02T07:00:00Z"), at("2026-03-02T12:00:00Z")),
            (3, at("2026-03-03T14:00:00Z"), at("2026-03-05T14:00:00Z")),
        ]
    );
    assert_eq!(m.changed, vec![1, 3]);
    // A move that leaves the dependents room moves only itself: 2 to
    // Thursday 07:00, beside 3's last two hours.
    let m = move_job(&f, &jobs, &s, &to(2, "2026-03-05T07:00:00Z")).unwrap();
    assert_eq!(m.changed, vec![2]);
    assert_eq!(
        spans(&m.schedule)[1],
        (2, at("2026-03-05T07:00:00Z"), at("2026-03-05T12:00:00Z"))
    );
    // Half an hour later, 1 ends Tue 09:30 and 3 follows it at once:
    // 330 min Tuesday + 150 Thursday → Thu 09:30.
    let m = move_job(&f, &jobs, &s, &to(1, "2026-03-02T07:30:00Z")).unwrap();
    assert_eq!(m.changed, vec![1, 3]);
    assert_eq!(
        spans(&m.schedule)[2],
        (3, at("2026-03-03T09:30:00Z"), at("2026-03-05T09:30:00Z"))
    );
}

#[test]
fn a_move_to_another_centre() {
    let (mut f, jobs, s) = setting();
    // Centre 2: one slot, open on the Wednesday holiday of centre 1.
    f.centres.push(Centre {
        id: 2,
        calendar: weekdays(&[]),
        slots: 1,
    });
    let m = move_job(
        &f,
        &jobs,
        &s,
        &MoveRequest {
            job: 2,
            start: at("2026-03-04T07:00:00Z"),
            centre: Some(2),
        },
    )
    .unwrap();
    let p = m.schedule.get(2).unwrap();
    assert_eq!(
        (p.centre, p.start, p.end),
        (2, at("2026-03-04T07:00:00Z"), at("2026-03-04T12:00:00Z"))
    );
    assert_eq!(m.changed, vec![2]);
    let e = move_job(
        &f,
        &jobs,
        &s,
        &MoveRequest {
            job: 2,
            start: at("2026-03-04T07:00:00Z"),
            centre: Some(8),
        },
    )
    .unwrap_err();
    assert_eq!(e.status(), 404);
    let e = move_job(&f, &jobs, &s, &to(99, "2026-03-04T07:00:00Z")).unwrap_err();
    assert_eq!(e.to_string(), "job 99 not found");
}

#[test]
fn a_move_before_its_predecessor_is_refused() {
    let (f, jobs, s) = setting();
    let e = move_job(&f, &jobs, &s, &to(3, "2026-03-02T13:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        MoveRefusal::BeforePredecessor {
            job: 1,
            ends: at("2026-03-03T09:00:00Z"),
        }
        .into()
    );
    assert_eq!(e.status(), 409);
    assert_eq!(
        e.to_string(),
        "starts before job 1 ends at 2026-03-03T09:00:00.000Z"
    );
    // Nor before its release.
    let e = move_job(&f, &jobs, &s, &to(2, "2026-02-27T07:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        MoveRefusal::BeforeRelease {
            earliest: at("2026-03-02T07:00:00Z")
        }
        .into()
    );
}

#[test]
fn a_move_into_a_full_or_closed_or_maintenance_window_is_refused() {
    let (f, jobs, s) = setting();
    // Tue 08:00: 1 and the booking hold both slots.
    let e = move_job(&f, &jobs, &s, &to(2, "2026-03-03T08:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        MoveRefusal::CapacityFull {
            centre: 1,
            at: at("2026-03-03T08:00:00Z"),
        }
        .into()
    );
    // Tue 10:00: 3 and the booking hold both slots.
    let e = move_job(&f, &jobs, &s, &to(2, "2026-03-03T10:00:00Z")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "work centre 1 is at full capacity at 2026-03-03T10:00:00.000Z"
    );
    // Fri 08:00: its span runs into the preventive window at 10:00.
    let e = move_job(&f, &jobs, &s, &to(2, "2026-03-06T08:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        MoveRefusal::Maintenance {
            centre: 1,
            start: at("2026-03-06T10:00:00Z"),
            end: at("2026-03-06T12:00:00Z"),
        }
        .into()
    );
    assert_eq!(
        e.to_string(),
        "maintenance takes work centre 1 from 2026-03-06T10:00:00.000Z to 2026-03-06T12:00:00.000Z"
    );
    // The Wednesday holiday.
    let e = move_job(&f, &jobs, &s, &to(2, "2026-03-04T10:00:00Z")).unwrap_err();
    assert_eq!(
        e,
        MoveRefusal::Closed {
            centre: 1,
            at: at("2026-03-04T10:00:00Z"),
        }
        .into()
    );
    // The refusal travels tagged, for the Gantt chart.
    let json = serde_json::to_string(&MoveRefusal::Closed { centre: 1, at: 0 }).unwrap();
    assert_eq!(json, r#"{"reason":"closed","centre":1,"at":0}"#);
}

#[test]
fn a_move_may_push_dependents_past_other_work() {
    // One slot, 4 waits for 1; 2 sits between them.
    let f = floor(vec![centre(1, 1)]);
    let jobs = vec![
        super::tests_schedule::job(1, 60, &[]),
        super::tests_schedule::job(2, 60, &[]),
        super::tests_schedule::job(4, 60, &[1]),
    ];
    let s = schedule(&f, &jobs).unwrap();
    // 1 07:00–08:00, 2 08:00–09:00, 4 09:00–10:00.
    assert_eq!(s.jobs[2].start, at("2026-03-02T09:00:00Z"));
    // 1 to 10:00–11:00: 4 must follow it, 11:00–12:00; 2 stays.
    let m = move_job(&f, &jobs, &s, &to(1, "2026-03-02T10:00:00Z")).unwrap();
    assert_eq!(
        spans(&m.schedule),
        vec![
            (1, at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")),
            (2, at("2026-03-02T08:00:00Z"), at("2026-03-02T09:00:00Z")),
            (4, at("2026-03-02T11:00:00Z"), at("2026-03-02T12:00:00Z")),
        ]
    );
    assert_eq!(m.changed, vec![1, 4]);
    // 1 to 08:30 is refused: 2 holds the slot then.
    let e = move_job(&f, &jobs, &s, &to(1, "2026-03-02T08:30:00Z")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "work centre 1 is at full capacity at 2026-03-02T08:30:00.000Z"
    );
}
