//! Issue 9's planning figures (`--only plan`), pure computation in the
//! release build: planning 2,000 jobs on 50 work centres (finite capacity,
//! shift calendars, a maintenance cut per centre), and one Gantt drag on
//! that plan (the check, and the jobs that wait for it moved), each against
//! a floor that does the least such work could do: one pass over the jobs
//! giving each its earliest start on unlimited capacity.

use domain::master::ShiftCalendar;
use domain::ppic::{move_job, schedule, CapacityCut, Centre, Floor, Horizon, JobReq, MoveRequest};
use std::time::Instant;

const CENTRES: i64 = 50;
const JOBS: i64 = 2_000;
const CHAIN: i64 = 5;
/// Monday 2026-12-07 05:00 UTC.
const START: i64 = 1_796_619_600_000;
const MINUTE: i64 = 60_000;

fn floor() -> Floor {
    Floor {
        centres: (0..CENTRES)
            .map(|id| Centre {
                id,
                calendar: ShiftCalendar {
                    minutes_per_weekday: [480, 480, 480, 480, 420, 0, 0],
                    day_start_minute: 420,
                    holidays: vec![],
                    closures: vec![],
                },
                slots: 1 + (id % 3) as u32,
            })
            .collect(),
        cuts: (0..CENTRES)
            .map(|c| CapacityCut {
                centre: c,
                start: START + (c % 10) * 60 * MINUTE,
                end: START + (c % 10 + 2) * 60 * MINUTE,
                slots: 1,
            })
            .collect(),
        bookings: vec![],
        horizon: Horizon {
            utc_offset_minutes: 120,
            ..Horizon::default()
        },
    }
}

/// 400 orders of five operations each, spread over the centres.
fn jobs() -> Vec<JobReq> {
    (0..JOBS)
        .map(|id| {
            let order = id / CHAIN;
            JobReq {
                id,
                centre: (order * 7 + id % CHAIN * 11) % CENTRES,
                minutes: 10 + ((id * 37) % 110) as u32,
                after: if id % CHAIN == 0 {
                    vec![]
                } else {
                    vec![id - 1]
                },
                earliest: START,
                due: Some(START + (3 + order % 20) * 86_400_000),
                priority: 100,
            }
        })
        .collect()
}

/// The floor: each job's earliest start after its predecessor, capacity ignored.
fn floor_pass(jobs: &[JobReq]) -> i64 {
    let mut ends = vec![0i64; jobs.len()];
    for (i, j) in jobs.iter().enumerate() {
        let ready = j
            .after
            .iter()
            .map(|&a| ends[a as usize])
            .fold(j.earliest, i64::max);
        ends[i] = ready + j.minutes as i64 * MINUTE;
    }
    ends.iter().copied().max().unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

pub fn section() -> String {
    let (floor, jobs) = (floor(), jobs());
    let plan = schedule(&floor, &jobs).expect("the bench plan");
    // A job in the middle of an order, dragged a day later: its successors follow.
    let mid = jobs.len() as i64 / 2 + 1;
    let at = plan.get(mid).expect("planned").start;
    let request = MoveRequest {
        job: mid,
        start: at + 86_400_000,
        centre: None,
    };
    let moved = move_job(&floor, &jobs, &plan, &request);
    let followers = moved.as_ref().map(|m| m.changed.len()).unwrap_or(0);
    let runs = 21;
    let plan_ms = time(runs, || schedule(&floor, &jobs));
    let move_ms = time(runs, || move_job(&floor, &jobs, &plan, &request));
    let floor_ms = time(runs, || floor_pass(&jobs)).max(0.001);
    let mut out = String::from(
        "| planning, 2,000 jobs on 50 centres | median ms | × floor | target |\n|---|---:|---:|---|\n",
    );
    out += &format!(
        "| plan all (forward + backward pass) | {plan_ms:.2} | {:.0} | — |\n",
        plan_ms / floor_ms
    );
    out += &format!(
        "| one Gantt drag ({}; {} job(s) changed) | {move_ms:.2} | {:.0} | < 200 ms |\n",
        match &moved {
            Ok(_) => "accepted",
            Err(_) => "refused",
        },
        followers,
        move_ms / floor_ms
    );
    out += &format!("| floor: one pass, unlimited capacity | {floor_ms:.3} | 1 | — |\n");
    println!("\n{out}");
    out
}
