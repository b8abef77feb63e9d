//! Calendar dates (a plant holiday, 2026-12-25) without a date library:
//! days since 1970-01-01 and the weekday, both ways.

use crate::error::AppError;
use crate::time::{civil_from_days, days_from_civil};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day in the plant's own time zone. Travels as `"2026-12-25"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub y: i32,
    pub m: u8,
    pub d: u8,
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, if it exists (years 1–9999).
    pub fn new(y: i32, m: u8, d: u8) -> Option<Date> {
        ((1..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
            .then_some(Date { y, m, d })
    }

    /// Reads `YYYY-MM-DD`; a field error on `field` otherwise.
    pub fn parse(field: &str, s: &str) -> Result<Date, AppError> {
        let t = s.trim();
        let b = t.as_bytes();
        let bad = || AppError::field(field, "write the date as YYYY-MM-DD, e.g. 2026-12-25");
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i32, AppError> {
            let part = &t[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Date::new(y, m as u8, d as u8)
            .ok_or_else(|| AppError::field(field, "there is no such date"))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        days_from_civil(self.y as i64, self.m as i64, self.d as i64)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let (y, m, d) = civil_from_days(days);
        Date {
            y: y as i32,
            m: m as u8,
            d: d as u8,
        }
    }

    /// The local date at instant `ms` (UTC milliseconds) where clocks run
    /// `offset_minutes` ahead of UTC.
    pub fn at(ms: i64, offset_minutes: i32) -> Date {
        Date::from_days((ms + offset_minutes as i64 * 60_000).div_euclid(86_400_000))
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as usize
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse("date", &s)
            .map_err(|_| serde::de::Error::custom("a date such as \"2026-12-25\""))
    }
}

/// In the OpenAPI document a date is its text, `format: date`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .examples(["2026-12-25"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        let xmas = Date::parse("d", "2026-12-25").unwrap();
        assert_eq!(xmas.to_string(), "2026-12-25");
        assert_eq!(xmas.weekday(), 4); // a Friday
        assert_eq!(Date::parse("d", "1970-01-01").unwrap().days(), 0);
        assert_eq!(
            Date::parse("d", "2024-02-29")
                .unwrap()
                .add_days(1)
                .to_string(),
            "2024-03-01"
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-12-25",
            "2026/12/25",
            "+026-12-25",
        ] {
            assert!(Date::parse("holidays[0]", bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&xmas).unwrap(), "\"2026-12-25\"");
    }

    proptest! {
        #[test]
        fn days_round_trip(n in -700_000i64..2_900_000) {
            let d = Date::from_days(n);
            prop_assert_eq!(d.days(), n);
            prop_assert_eq!(Date::parse("d", &d.to_string()), Ok(d));
        }
    }
}
