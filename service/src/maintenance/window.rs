//! Downtime windows and the plan: a preventive request's planned start
//! (typed in the plant's time, turned into an instant with its time zone)
//! and a new window for an open one; and `follow_plan`, which plans the
//! floor again inside the transaction of every maintenance change that
//! gives or takes capacity (a report, a new window, a resolve or cancel).

use super::rows::{insert_event, request_row, RequestRow};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::ppic::{lock_plan, replan};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::{
    check_planned_start, Kind, PlannedStart, Request, WindowInput, WindowSpec,
};
use domain::perm::{Action, Module};
use domain::time::{format_iso, Millis};
use domain::AppError;

/// The instant a window starts, checked against the clock; none when it is
/// not planned. A local time is read in the plant's zone `tz`.
pub(super) fn planned_instant(
    tz: chrono_tz::Tz,
    spec: &WindowSpec,
    now: Millis,
) -> Result<Option<Millis>, AppError> {
    let Some(start) = spec.planned_start else {
        return Ok(None);
    };
    let at = match start {
        PlannedStart::Instant(t) => t,
        PlannedStart::Local { date, second } => {
            use chrono::{Offset, TimeZone};
            let offset = chrono::NaiveDate::from_ymd_opt(date.y, date.m as u32, date.d as u32)
                .and_then(|d| d.and_hms_opt(second / 3600, second / 60 % 60, second % 60))
                .and_then(|t| tz.from_local_datetime(&t).earliest())
                .map(|t| t.offset().fix().local_minus_utc() / 60)
                .ok_or_else(|| {
                    AppError::field(
                        "planned_start",
                        "the plant's clocks skip this time; choose another",
                    )
                })?;
            start.at_offset(offset)
        }
    };
    check_planned_start(at, now)?;
    Ok(Some(at))
}

/// Whether a request takes its machine's capacity while open (what
/// `ppic::plan::maintenance_windows` cuts): a breakdown, or a preventive
/// request with a planned start.
pub(super) fn takes_capacity(kind: Kind, planned_start: Option<Millis>) -> bool {
    kind == Kind::Breakdown || planned_start.is_some()
}

/// Plans the floor again after a change to maintenance on a machine of
/// `centre` (none: the machine is on no centre and takes no capacity), in
/// the change's transaction, which took [`lock_plan`] first. Nothing to do
/// (one indexed read) when no job waits at that centre; when jobs moved,
/// the planning screens are told.
pub(super) async fn follow_plan(
    tx: &mut Tx,
    tz: chrono_tz::Tz,
    now: Millis,
    centre: Option<i64>,
    request: (i64, i64),
) -> Result<()> {
    let Some(centre) = centre else {
        return Ok(());
    };
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT j.id FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE j.status IN ('draft', 'approved') AND j.work_centre_id = $1 \
         AND o.status IN ('released', 'in_progress') LIMIT 1",
    )
    .bind(centre)
    .fetch_optional(&mut **tx)
    .await
    .ctx("find waiting jobs")?;
    if waiting.is_none() {
        return Ok(());
    }
    let moved = replan(tx, tz, now).await?;
    if moved > 0 {
        let (id, version) = request;
        events::record(
            tx,
            &NewEvent::new(Module::Ppic, id, version, EventKind::Updated, now).with_payload(
                serde_json::json!({
                    "entity": "plan",
                    "maintenance_request": id,
                    "jobs_moved": moved,
                }),
            ),
        )
        .await?;
    }
    Ok(())
}

/// "08 Dec 2026, 07:30 for 90 min", or "not planned".
fn describe(tz: chrono_tz::Tz, start: Option<Millis>, minutes: Option<i64>) -> String {
    match (start, minutes) {
        (Some(s), Some(m)) => format!(
            "{} for {m} min",
            crate::format_local(&format_iso(s), tz.name())
        ),
        (Some(s), None) => crate::format_local(&format_iso(s), tz.name()),
        (None, _) => "not planned".into(),
    }
}

/// Plans an open preventive request's downtime again: a new start and
/// length, or none (its capacity given back). The plan follows in the
/// same transaction.
pub async fn set_window(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &WindowInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Request> {
    user.require(Module::Maintenance, Action::Update)?;
    let spec = input.parse()?;
    let tz = svc.config.plant_time_zone;
    let start = planned_instant(tz, &spec, now)?;
    let minutes = spec.estimated_minutes;
    let (request, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("maintenance.window.{id}"),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let row = RequestRow::decode(&request_row(&mut tx, id).await?)?;
                if row.version != input.version {
                    return Err(AppError::conflict(format!(
                        "request #{id} was changed since you saw it; look again"
                    ))
                    .into());
                }
                if row.kind != Kind::Preventive {
                    return Err(AppError::conflict(
                        "only a preventive request is planned; a breakdown starts when it is reported",
                    )
                    .into());
                }
                if !row.status.is_active() {
                    return Err(AppError::conflict(format!(
                        "request #{id} is {}; its window can no longer change",
                        row.status.label().to_lowercase()
                    ))
                    .into());
                }
                let updated = sqlx::query(
                    "UPDATE maintenance_requests SET planned_start = $1, estimated_minutes = $2, \
                     updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5",
                )
                .bind(start)
                .bind(minutes)
                .bind(now)
                .bind(id)
                .bind(row.version)
                .execute(&mut *tx)
                .await
                .ctx("store window")?
                .rows_affected();
                if updated != 1 {
                    return Err(AppError::conflict(
                        "someone else changed this request at the same moment",
                    )
                    .into());
                }
                let note = format!(
                    "{} (was {})",
                    describe(tz, start, minutes),
                    describe(tz, row.planned_start, row.estimated_minutes)
                );
                insert_event(&mut tx, id, now, "window", None, None, Some(user.id), &note).await?;
                let centre = row.work_centre_id;
                let mut request = row.into_request(now);
                request.planned_start = start.map(format_iso);
                request.estimated_minutes = minutes;
                request.updated_at = format_iso(now);
                request.version += 1;
                follow_plan(&mut tx, tz, now, centre, (id, request.version)).await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Maintenance, id, request.version, EventKind::Updated, now)
                        .with_payload(serde_json::json!({
                            "window": { "planned_start": start, "estimated_minutes": minutes },
                        })),
                )
                .await?;
                Ok((tx, request))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::maintenance::parse_window;
    use domain::time::parse_iso;

    fn spec(s: &str) -> WindowSpec {
        parse_window(Kind::Preventive, Some(s), Some(60)).unwrap()
    }

    #[test]
    fn a_local_start_is_read_in_the_plant_zone() {
        let now = parse_iso("2026-12-07T16:00:00Z").unwrap();
        let jhb = chrono_tz::Africa::Johannesburg;
        assert_eq!(
            planned_instant(jhb, &spec("2026-12-08T07:30"), now).unwrap(),
            parse_iso("2026-12-08T05:30:00Z")
        );
        // London in summer is an hour ahead of UTC, in winter not.
        let london = chrono_tz::Europe::London;
        let summer_now = parse_iso("2026-07-01T00:00:00Z").unwrap();
        assert_eq!(
            planned_instant(london, &spec("2026-07-02T07:30"), summer_now).unwrap(),
            parse_iso("2026-07-02T06:30:00Z")
        );
        assert_eq!(
            planned_instant(london, &spec("2026-12-08T07:30"), now).unwrap(),
            parse_iso("2026-12-08T07:30:00Z")
        );
        // An instant with its offset is taken as it is.
        assert_eq!(
            planned_instant(jhb, &spec("2026-12-08T05:30:00Z"), now).unwrap(),
            parse_iso("2026-12-08T05:30:00Z")
        );
        // A skipped hour (London, 29 March 2026, 01:00-02:00) is refused.
        let spring_now = parse_iso("2026-03-28T12:00:00Z").unwrap();
        let field = |r: Result<Option<Millis>, AppError>| {
            r.unwrap_err().field_error().unwrap().field.clone()
        };
        assert_eq!(
            field(planned_instant(
                london,
                &spec("2026-03-29T01:30"),
                spring_now
            )),
            "planned_start"
        );
        // Not more than a day behind, at most a year ahead.
        assert_eq!(
            field(planned_instant(jhb, &spec("2026-12-06T07:30"), now)),
            "planned_start"
        );
        assert_eq!(
            field(planned_instant(jhb, &spec("2027-12-08T07:30"), now)),
            "planned_start"
        );
        assert_eq!(
            planned_instant(jhb, &WindowSpec::default(), now).unwrap(),
            None
        );
    }
}
