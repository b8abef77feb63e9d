//! The lifecycles against hand-written tables of their legal steps: every
//! (state, action) pair, the 409 text, parsing and permissions.

use super::*;
use crate::perm::Action;

const MO_LEGAL: [(MoStatus, MoAction, MoStatus); 6] = [
    (MoStatus::Draft, MoAction::Release, MoStatus::Released),
    (MoStatus::Released, MoAction::Start, MoStatus::InProgress),
    (
        MoStatus::InProgress,
        MoAction::Complete,
        MoStatus::Completed,
    ),
    (MoStatus::Completed, MoAction::Close, MoStatus::Closed),
    (MoStatus::Draft, MoAction::Cancel, MoStatus::Cancelled),
    (MoStatus::Released, MoAction::Cancel, MoStatus::Cancelled),
];

const TASK_LEGAL: [(TaskStatus, TaskAction, TaskStatus); 9] = [
    (TaskStatus::Draft, TaskAction::Approve, TaskStatus::Approved),
    (
        TaskStatus::Approved,
        TaskAction::Start,
        TaskStatus::InProgress,
    ),
    (
        TaskStatus::InProgress,
        TaskAction::Pause,
        TaskStatus::OnHold,
    ),
    (
        TaskStatus::OnHold,
        TaskAction::Resume,
        TaskStatus::InProgress,
    ),
    (
        TaskStatus::InProgress,
        TaskAction::Complete,
        TaskStatus::Completed,
    ),
    (TaskStatus::Draft, TaskAction::Cancel, TaskStatus::Cancelled),
    (
        TaskStatus::Approved,
        TaskAction::Cancel,
        TaskStatus::Cancelled,
    ),
    (
        TaskStatus::InProgress,
        TaskAction::Cancel,
        TaskStatus::Cancelled,
    ),
    (
        TaskStatus::OnHold,
        TaskAction::Cancel,
        TaskStatus::Cancelled,
    ),
];

#[test]
fn mo_every_pair_against_the_table() {
    for from in MoStatus::ALL {
        for a in MoAction::ALL {
            let legal = MO_LEGAL.iter().find(|(f, x, _)| *f == from && *x == a);
            match (legal, from.next(a)) {
                (Some((_, _, to)), got) => assert_eq!(got, Ok(*to), "{from:?} --{a:?}-->"),
                (None, Err(e)) => {
                    assert_eq!(e.status(), 409, "{e:?}");
                    let m = e.to_string();
                    assert!(m.contains(&format!("is {}", from.as_str())), "{m}");
                    for next in from.allowed() {
                        assert!(m.contains(next.as_str()), "{m}");
                    }
                }
                (None, Ok(to)) => panic!("{from:?} --{a:?}--> {to:?} should be refused"),
            }
        }
        // `allowed` is exactly the table's row.
        let row: Vec<_> = MoAction::ALL
            .into_iter()
            .filter(|a| MO_LEGAL.iter().any(|(f, x, _)| *f == from && x == a))
            .collect();
        assert_eq!(from.allowed(), row.as_slice(), "{from:?}");
    }
    assert_eq!(
        MoAction::Cancel
            .apply(MoStatus::InProgress)
            .unwrap_err()
            .to_string(),
        "cannot cancel: manufacturing order is in_progress; allowed: complete"
    );
    assert_eq!(
        MoAction::Start
            .apply(MoStatus::Closed)
            .unwrap_err()
            .to_string(),
        "cannot start: manufacturing order is closed; allowed: none"
    );
}

#[test]
fn task_every_pair_against_the_table() {
    for from in TaskStatus::ALL {
        for a in TaskAction::ALL {
            let legal = TASK_LEGAL.iter().find(|(f, x, _)| *f == from && *x == a);
            match (legal, a.apply(from)) {
                (Some((_, _, to)), got) => assert_eq!(got, Ok(*to), "{from:?} --{a:?}-->"),
                (None, Err(e)) => {
                    assert_eq!(e.status(), 409, "{e:?}");
                    let m = e.to_string();
                    assert!(m.contains(&format!("job is {}", from.as_str())), "{m}");
                    for next in from.allowed() {
                        assert!(m.contains(next.as_str()), "{m}");
                    }
                }
                (None, Ok(to)) => panic!("{from:?} --{a:?}--> {to:?} should be refused"),
            }
        }
        let row: Vec<_> = TaskAction::ALL
            .into_iter()
            .filter(|a| TASK_LEGAL.iter().any(|(f, x, _)| *f == from && x == a))
            .collect();
        assert_eq!(from.allowed(), row.as_slice(), "{from:?}");
        assert_eq!(from.is_final(), row.is_empty());
    }
    assert_eq!(
        TaskAction::Start
            .apply(TaskStatus::Completed)
            .unwrap_err()
            .to_string(),
        "cannot start: job is completed; allowed: none"
    );
    assert_eq!(
        TaskAction::Start
            .apply(TaskStatus::Draft)
            .unwrap_err()
            .to_string(),
        "cannot start: job is draft; allowed: approve, cancel"
    );
    // A job on hold is resumed before it is completed.
    assert_eq!(
        TaskAction::Complete
            .apply(TaskStatus::OnHold)
            .unwrap_err()
            .to_string(),
        "cannot complete: job is on_hold; allowed: resume, cancel"
    );
}

#[test]
fn parse_names_the_field_and_stored_values_read_back() {
    for a in TaskAction::ALL {
        assert_eq!(TaskAction::parse("action", a.as_str()), Ok(a));
    }
    for a in MoAction::ALL {
        assert_eq!(MoAction::parse("action", a.as_str()), Ok(a));
    }
    let e = TaskAction::parse("transition", "finish").unwrap_err();
    assert_eq!(e.status(), 422);
    assert_eq!(e.field_error().unwrap().field, "transition");
    assert!(e.to_string().contains("approve, start, pause"), "{e}");
    assert_eq!(
        MoAction::parse("step", "ship")
            .unwrap_err()
            .field_error()
            .unwrap()
            .field,
        "step"
    );
    for s in TaskStatus::ALL {
        assert_eq!(TaskStatus::try_from(s.as_str().to_string()), Ok(s));
    }
    for s in MoStatus::ALL {
        assert_eq!(MoStatus::try_from(s.as_str().to_string()), Ok(s));
    }
    assert_eq!(
        TaskStatus::try_from("paused".to_string())
            .unwrap_err()
            .to_string(),
        "unknown job status \"paused\""
    );
    assert_eq!(
        serde_json::to_string(&TaskStatus::OnHold).unwrap(),
        "\"on_hold\""
    );
}

#[test]
fn permissions_follow_who_does_what() {
    use crate::perm::{default_grants, Module, Permission};
    assert_eq!(TaskAction::Approve.permission(), Action::Approve);
    assert_eq!(TaskAction::Cancel.permission(), Action::Approve);
    assert_eq!(MoAction::Release.permission(), Action::Approve);
    assert_eq!(MoAction::Start.permission(), Action::Update);
    // Operators can work jobs but neither approve nor cancel them.
    let op = default_grants("operator");
    for a in TaskAction::ALL {
        let granted = op.contains(&Permission::new(Module::Ppic, a.permission()));
        let by_operator = !matches!(a, TaskAction::Approve | TaskAction::Cancel);
        assert_eq!(granted, by_operator, "{a:?}");
    }
    // What the scheduler moves and what it treats as fixed.
    let planned: Vec<_> = TaskStatus::ALL
        .into_iter()
        .filter(|s| s.is_planned())
        .collect();
    assert_eq!(planned, vec![TaskStatus::Draft, TaskStatus::Approved]);
    let fixed: Vec<_> = TaskStatus::ALL
        .into_iter()
        .filter(|s| s.holds_slot())
        .collect();
    assert_eq!(fixed, vec![TaskStatus::InProgress, TaskStatus::OnHold]);
}
