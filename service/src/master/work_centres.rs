//! Work centres: kind, shift calendar (minutes per weekday, the day's start,
//! holidays, closures), parallel capacity and labour rate; and the capacity
//! they offer per day.

use super::common::{bump, code_taken, write, Entity, Ref};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{
    search_text, CapacityDay, ClosureInput, Date, ShiftCalendarInput, Versioned, WorkCentre,
    WorkCentreInput, WorkCentreRecord,
};
use domain::perm::{Action, Module};
use domain::time::format_iso;
use domain::AppError;
use futures::future::BoxFuture;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
pub struct WorkCentreRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    #[sqlx(try_from = "i64")]
    parallel_capacity: u32,
    labour_rate_minor_per_hour: i64,
    #[sqlx(try_from = "i64")]
    mon_minutes: u32,
    #[sqlx(try_from = "i64")]
    tue_minutes: u32,
    #[sqlx(try_from = "i64")]
    wed_minutes: u32,
    #[sqlx(try_from = "i64")]
    thu_minutes: u32,
    #[sqlx(try_from = "i64")]
    fri_minutes: u32,
    #[sqlx(try_from = "i64")]
    sat_minutes: u32,
    #[sqlx(try_from = "i64")]
    sun_minutes: u32,
    #[sqlx(try_from = "i64")]
    day_start_minute: u32,
    archived_at: Option<i64>,
    version: i64,
}

impl Entity for WorkCentreRecord {
    const TABLE: &'static str = "work_centres";
    const WHAT: &'static str = "work centre";
    const SELECT: &'static str = "SELECT x.id, x.code, x.name, x.kind, x.parallel_capacity, \
        x.labour_rate_minor_per_hour, x.mon_minutes, x.tue_minutes, x.wed_minutes, x.thu_minutes, \
        x.fri_minutes, x.sat_minutes, x.sun_minutes, x.day_start_minute, x.archived_at, x.version \
        FROM work_centres x";
    const REFS: &'static [Ref] = &[Ref {
        sql: "SELECT code FROM machines WHERE work_centre_id = $1 AND archived_at IS NULL ORDER BY code LIMIT 5",
        what: "active machines",
    }];
    type Row = WorkCentreRow;

    fn decode(r: WorkCentreRow) -> Result<Self> {
        Ok(WorkCentreRecord {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            calendar: ShiftCalendarInput {
                minutes_per_weekday: [
                    r.mon_minutes,
                    r.tue_minutes,
                    r.wed_minutes,
                    r.thu_minutes,
                    r.fri_minutes,
                    r.sat_minutes,
                    r.sun_minutes,
                ],
                day_start_minute: r.day_start_minute,
                holidays: vec![],
                closures: vec![],
            },
            parallel_capacity: r.parallel_capacity,
            labour_rate_minor_per_hour: r.labour_rate_minor_per_hour,
            archived: r.archived_at.is_some(),
            version: r.version,
        })
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn version(&self) -> i64 {
        self.version
    }

    fn complete(mut self, c: &mut AnyConnection) -> BoxFuture<'_, Result<Self>> {
        Box::pin(async move {
            self.calendar.holidays = sqlx::query_scalar(
                "SELECT day FROM work_centre_holidays WHERE work_centre_id = $1 ORDER BY day",
            )
            .bind(self.id)
            .fetch_all(&mut *c)
            .await
            .ctx("read holidays")?;
            let closures: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT start_ms, end_ms FROM work_centre_closures WHERE work_centre_id = $1 ORDER BY start_ms",
            )
            .bind(self.id)
            .fetch_all(&mut *c)
            .await
            .ctx("read closures")?;
            self.calendar.closures = closures
                .into_iter()
                .map(|(s, e)| ClosureInput {
                    start: format_iso(s),
                    end: format_iso(e),
                })
                .collect();
            Ok(self)
        })
    }
}

/// Writes the work centre's columns and replaces its holidays and closures.
async fn store(tx: &mut Tx, id: i64, wc: &WorkCentre) -> Result<()> {
    let m = wc.calendar.minutes_per_weekday;
    sqlx::query(
        "UPDATE work_centres SET code = $2, name = $3, search_text = $4, kind = $5, parallel_capacity = $6, \
         labour_rate_minor_per_hour = $7, mon_minutes = $8, tue_minutes = $9, wed_minutes = $10, \
         thu_minutes = $11, fri_minutes = $12, sat_minutes = $13, sun_minutes = $14, day_start_minute = $15 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(&wc.code)
    .bind(&wc.name)
    .bind(search_text(&wc.code, &wc.name))
    .bind(&wc.kind)
    .bind(wc.parallel_capacity as i64)
    .bind(wc.labour_rate_minor_per_hour)
    .bind(m[0] as i64)
    .bind(m[1] as i64)
    .bind(m[2] as i64)
    .bind(m[3] as i64)
    .bind(m[4] as i64)
    .bind(m[5] as i64)
    .bind(m[6] as i64)
    .bind(wc.calendar.day_start_minute as i64)
    .execute(&mut **tx)
    .await
    .ctx("store work centre")
    .map_err(code_taken::<WorkCentreRecord>)?;
    // The calendar's detail rows belong to the work centre alone: replaced whole.
    sqlx::query("DELETE FROM work_centre_holidays WHERE work_centre_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .ctx("clear holidays")?;
    sqlx::query("DELETE FROM work_centre_closures WHERE work_centre_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .ctx("clear closures")?;
    for d in &wc.calendar.holidays {
        sqlx::query("INSERT INTO work_centre_holidays (work_centre_id, day) VALUES ($1, $2)")
            .bind(id)
            .bind(d.to_string())
            .execute(&mut **tx)
            .await
            .ctx("store holiday")?;
    }
    for (s, e) in &wc.calendar.closures {
        sqlx::query(
            "INSERT INTO work_centre_closures (work_centre_id, start_ms, end_ms) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(*s)
        .bind(*e)
        .execute(&mut **tx)
        .await
        .ctx("store closure")?;
    }
    Ok(())
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &WorkCentreInput,
    key: Option<&str>,
    now: i64,
) -> Result<WorkCentreRecord> {
    user.require(Module::Master, Action::Create)?;
    let wc = input.parse()?;
    let scope = "master.work_centres.create";
    write(
        svc,
        user,
        key,
        scope,
        input,
        now,
        "create",
        move |mut tx: Tx| {
            Box::pin(async move {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO work_centres (code, name, search_text, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(&wc.code)
                .bind(&wc.name)
                .bind(search_text(&wc.code, &wc.name))
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .ctx("insert work centre")
                .map_err(code_taken::<WorkCentreRecord>)?;
                store(&mut tx, id, &wc).await?;
                Ok((tx, id))
            })
        },
    )
    .await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<WorkCentreInput>,
    key: Option<&str>,
    now: i64,
) -> Result<WorkCentreRecord> {
    user.require(Module::Master, Action::Update)?;
    let wc = input.input.parse()?;
    let version = input.version;
    let scope = format!("master.work_centres.update.{id}");
    write(
        svc,
        user,
        key,
        &scope,
        input,
        now,
        "update",
        move |mut tx: Tx| {
            Box::pin(async move {
                bump::<WorkCentreRecord>(&mut tx, id, version, now).await?;
                store(&mut tx, id, &wc).await?;
                Ok((tx, id))
            })
        },
    )
    .await
}

/// Longest span one capacity request may cover.
pub const MAX_CAPACITY_DAYS: i64 = 366;

/// Open minutes per day from `from` for `days` days, in the plant's time
/// zone, and those times the work centre's parallel capacity.
pub async fn capacity(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    from: &str,
    days: i64,
) -> Result<Vec<CapacityDay>> {
    user.require(Module::Master, Action::View)?;
    let start = Date::parse("from", from)?;
    if !(1..=MAX_CAPACITY_DAYS).contains(&days) {
        return Err(AppError::field("days", "must be between 1 and 366").into());
    }
    let wc: WorkCentreRecord = super::common::get(&svc.db, user, id).await?;
    let calendar = wc.calendar.parse("calendar")?;
    let tz = svc.config.plant_time_zone;
    Ok((0..days)
        .map(|i| {
            let date = start.add_days(i);
            let open = calendar.available_minutes(date, utc_offset_minutes(tz, date));
            CapacityDay {
                date: date.to_string(),
                open_minutes: open,
                capacity_minutes: open.saturating_mul(wc.parallel_capacity),
            }
        })
        .collect())
}

/// The plant's UTC offset on `date` (at noon, clear of DST changes at night).
pub fn utc_offset_minutes(tz: chrono_tz::Tz, date: Date) -> i32 {
    use chrono::{Offset, TimeZone};
    chrono::NaiveDate::from_ymd_opt(date.y, date.m as u32, date.d as u32)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.offset().fix().local_minus_utc() / 60)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn offsets_follow_the_plant_zone() {
        let d = domain::master::Date::new(2026, 7, 1).unwrap();
        assert_eq!(
            super::utc_offset_minutes(chrono_tz::Africa::Johannesburg, d),
            120
        );
        assert_eq!(super::utc_offset_minutes(chrono_tz::Europe::London, d), 60);
        let w = domain::master::Date::new(2026, 1, 1).unwrap();
        assert_eq!(super::utc_offset_minutes(chrono_tz::Europe::London, w), 0);
    }
}
