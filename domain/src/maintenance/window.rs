//! A request's downtime window: when the machine goes down and for how long.
//! A preventive request may be planned (a start and its minutes); a
//! breakdown starts when it is reported and may carry an estimate. What a
//! form types is the plant's wall-clock time (`2026-12-08T07:30`, as a
//! `datetime-local` input sends it); the service turns it into an instant
//! with the plant's time zone, then checks it against its clock
//! ([`check_planned_start`]).

use super::Kind;
use crate::error::AppError;
use crate::master::Date;
use crate::time::{parse_iso, Millis, MINUTE};
use serde::{Deserialize, Serialize};

/// The longest downtime a request may estimate, minutes (the column's CHECK).
pub const MAX_ESTIMATED_MINUTES: i64 = 100_000;
/// How far ahead a window may be planned.
pub const MAX_PLAN_AHEAD: Millis = 365 * 24 * 60 * MINUTE;
/// How far in the past a window may start (a late entry of this morning's work).
pub const MAX_PLAN_BEHIND: Millis = 24 * 60 * MINUTE;

/// When a window starts, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedStart {
    /// A wall-clock time in the plant: the day and the second of that day.
    Local { date: Date, second: u32 },
    /// An instant with its offset (`2026-12-08T05:30:00Z`), as integrators send it.
    Instant(Millis),
}

impl PlannedStart {
    /// Reads `YYYY-MM-DDTHH:MM` (optionally `:SS`; a space for the `T` too)
    /// as the plant's local time, or an ISO 8601 instant with `Z` or an
    /// offset. A field error on `field` otherwise.
    pub fn parse(field: &str, s: &str) -> Result<PlannedStart, AppError> {
        let t = s.trim();
        let bad = || {
            AppError::field(
                field,
                "write the plant's local time as YYYY-MM-DDTHH:MM, e.g. 2026-12-08T07:30",
            )
        };
        if t.len() > 19 {
            return parse_iso(t).map(PlannedStart::Instant).ok_or_else(bad);
        }
        let (date, time) = t
            .split_once('T')
            .or_else(|| t.split_once(' '))
            .ok_or_else(bad)?;
        let date = Date::parse(field, date)?;
        let parts: Vec<&str> = time.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let mut num = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            num[i] = p.parse().map_err(|_| bad())?;
        }
        let [h, m, sec] = num;
        if h > 23 || m > 59 || sec > 59 {
            return Err(bad());
        }
        Ok(PlannedStart::Local {
            date,
            second: h * 3600 + m * 60 + sec,
        })
    }

    /// The instant, given the plant's UTC offset (minutes) at that wall-clock time.
    pub fn at_offset(self, offset_minutes: i32) -> Millis {
        match self {
            PlannedStart::Instant(t) => t,
            PlannedStart::Local { date, second } => {
                date.days() * 86_400_000 + second as i64 * 1000 - offset_minutes as i64 * MINUTE
            }
        }
    }
}

/// A request's window as checked: its start as typed (none: not planned)
/// and its minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowSpec {
    pub planned_start: Option<PlannedStart>,
    pub estimated_minutes: Option<i64>,
}

/// Checks a window's fields for a request of `kind`: minutes between 1 and
/// [`MAX_ESTIMATED_MINUTES`]; a start only on a preventive request, and then
/// with its minutes. Field errors name `planned_start` or `estimated_minutes`.
pub fn parse_window(
    kind: Kind,
    planned_start: Option<&str>,
    estimated_minutes: Option<i64>,
) -> Result<WindowSpec, AppError> {
    if estimated_minutes.is_some_and(|m| !(1..=MAX_ESTIMATED_MINUTES).contains(&m)) {
        return Err(AppError::field(
            "estimated_minutes",
            format!("must be between 1 and {MAX_ESTIMATED_MINUTES} minutes"),
        ));
    }
    let typed = planned_start.map(str::trim).filter(|s| !s.is_empty());
    let planned_start = match (kind, typed) {
        (_, None) => None,
        (Kind::Breakdown, Some(_)) => {
            return Err(AppError::field(
                "planned_start",
                "a breakdown starts when it is reported",
            ))
        }
        (Kind::Preventive, Some(s)) => Some(PlannedStart::parse("planned_start", s)?),
    };
    if planned_start.is_some() && estimated_minutes.is_none() {
        return Err(AppError::field(
            "estimated_minutes",
            "how long will the machine be down?",
        ));
    }
    Ok(WindowSpec {
        planned_start,
        estimated_minutes,
    })
}

/// A window's start against the server's clock: not more than a day in the
/// past, at most a year ahead.
pub fn check_planned_start(start: Millis, now: Millis) -> Result<(), AppError> {
    if start < now - MAX_PLAN_BEHIND {
        return Err(AppError::field(
            "planned_start",
            "not more than a day in the past",
        ));
    }
    if start > now + MAX_PLAN_AHEAD {
        return Err(AppError::field("planned_start", "at most a year ahead"));
    }
    Ok(())
}

/// A new window for an open preventive request. `planned_start` as in
/// [`NewRequestInput`](super::NewRequestInput) (none or empty: no longer
/// planned, its capacity given back); `version` is the request's version as
/// the screen showed it: a request changed since is refused (409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowInput {
    /// When the machine goes down: the plant's local time (`2026-12-08T07:30`)
    /// or an ISO 8601 instant with its offset. Empty or absent: not planned.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-08T07:30"))]
    pub planned_start: Option<String>,
    /// Minutes the machine is down; required with a start.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub estimated_minutes: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: i64,
}

impl WindowInput {
    pub fn parse(&self) -> Result<WindowSpec, AppError> {
        let spec = parse_window(
            Kind::Preventive,
            self.planned_start.as_deref(),
            self.estimated_minutes,
        )?;
        if self.version < 1 {
            return Err(AppError::field("version", "must be 1 or more"));
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<impl std::fmt::Debug, AppError>) -> String {
        match r {
            Err(AppError::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    fn local(s: &str) -> PlannedStart {
        PlannedStart::parse("planned_start", s).unwrap()
    }

    #[test]
    fn a_local_time_reads_as_the_plant_types_it() {
        let d = Date::new(2026, 12, 8).unwrap();
        assert_eq!(
            local("2026-12-08T07:30"),
            PlannedStart::Local {
                date: d,
                second: 7 * 3600 + 30 * 60
            }
        );
        assert_eq!(
            local(" 2026-12-08 07:30:15 "),
            PlannedStart::Local {
                date: d,
                second: 7 * 3600 + 30 * 60 + 15,
            }
        );
        // Johannesburg is two hours ahead: 07:30 there is 05:30 UTC.
        assert_eq!(
            local("2026-12-08T07:30").at_offset(120),
            parse_iso("2026-12-08T05:30:00Z").unwrap()
        );
        assert_eq!(
            local("2026-12-08T00:30").at_offset(120),
            parse_iso("2026-12-07T22:30:00Z").unwrap()
        );
    }

    #[test]
    fn an_instant_with_its_offset_is_taken_as_it_is() {
        let t = parse_iso("2026-12-08T05:30:00Z").unwrap();
        assert_eq!(local("2026-12-08T05:30:00Z"), PlannedStart::Instant(t));
        assert_eq!(local("2026-12-08T07:30:00+02:00").at_offset(-300), t);
    }

    #[test]
    fn malformed_times_name_the_field() {
        for bad in [
            "tomorrow",
            "2026-12-08",
            "2026-12-08T7:30",
            "2026-12-08T24:00",
            "2026-12-08T07:60",
            "2026-02-30T07:30",
            "2026-12-08T07:30:00+2",
            "2026-12-08T07",
            "2026-12-08T07:30:00:00",
        ] {
            assert_eq!(
                field(PlannedStart::parse("planned_start", bad)),
                "planned_start",
                "{bad}"
            );
        }
    }

    #[test]
    fn window_rules_name_their_field() {
        let p = Kind::Preventive;
        let ok = parse_window(p, Some("2026-12-08T07:30"), Some(90)).unwrap();
        assert_eq!(ok.estimated_minutes, Some(90));
        assert!(ok.planned_start.is_some());
        // Preventive without a window stays allowed, with or without minutes.
        assert_eq!(parse_window(p, None, None).unwrap(), WindowSpec::default());
        assert_eq!(
            parse_window(p, Some("  "), Some(30)).unwrap().planned_start,
            None
        );
        // A breakdown may estimate its downtime, not plan it.
        assert_eq!(
            parse_window(Kind::Breakdown, None, Some(120))
                .unwrap()
                .estimated_minutes,
            Some(120)
        );
        let bad = |k: Kind, s: Option<&str>, m: Option<i64>| field(parse_window(k, s, m));
        assert_eq!(
            bad(Kind::Breakdown, Some("2026-12-08T07:30"), Some(60)),
            "planned_start"
        );
        assert_eq!(bad(p, Some("2026-12-08T07:30"), None), "estimated_minutes");
        assert_eq!(bad(p, Some("soon"), Some(60)), "planned_start");
        for m in [0, -5, MAX_ESTIMATED_MINUTES + 1] {
            assert_eq!(bad(p, None, Some(m)), "estimated_minutes", "{m}");
            assert_eq!(bad(Kind::Breakdown, None, Some(m)), "estimated_minutes");
        }
        assert_eq!(
            parse_window(p, None, Some(MAX_ESTIMATED_MINUTES))
                .unwrap()
                .estimated_minutes,
            Some(MAX_ESTIMATED_MINUTES)
        );
    }

    #[test]
    fn a_start_is_within_a_day_behind_and_a_year_ahead() {
        let now = parse_iso("2026-12-07T16:00:00Z").unwrap();
        assert!(check_planned_start(now - MAX_PLAN_BEHIND, now).is_ok());
        assert!(check_planned_start(now + MAX_PLAN_AHEAD, now).is_ok());
        assert_eq!(
            field(check_planned_start(now - MAX_PLAN_BEHIND - 1, now)),
            "planned_start"
        );
        assert_eq!(
            field(check_planned_start(now + MAX_PLAN_AHEAD + 1, now)),
            "planned_start"
        );
    }

    #[test]
    fn a_new_window_needs_a_version() {
        let i = WindowInput {
            planned_start: Some("2026-12-08T07:30".into()),
            estimated_minutes: Some(60),
            version: 3,
        };
        assert!(i.parse().is_ok());
        assert_eq!(
            field(
                WindowInput {
                    version: 0,
                    ..i.clone()
                }
                .parse()
            ),
            "version"
        );
        assert_eq!(
            field(
                WindowInput {
                    estimated_minutes: None,
                    ..i.clone()
                }
                .parse()
            ),
            "estimated_minutes"
        );
        // Clearing the window gives its capacity back.
        let cleared = WindowInput {
            planned_start: None,
            ..i
        }
        .parse()
        .unwrap();
        assert_eq!(cleared.planned_start, None);
    }
}
