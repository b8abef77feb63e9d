//! Quantities — metres of fabric, kilograms of stuffing, pieces, minutes — as
//! exact decimals with six places, stored as integer millionths. They travel
//! as JSON text (`"0.35"`) so no browser or script ever rounds them as floats.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

const SCALE: i64 = 1_000_000;
const DECIMALS: usize = 6;

/// A decimal quantity with six places (millionths), e.g. 0.35 m of fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "0.35")
)]
pub struct Qty(i64);

/// A computation whose result does not fit (or divides by zero). Never
/// wraps: callers turn it into an error a user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the quantity is too large to compute")]
pub struct QtyOverflow;

/// `num / den` rounded half away from zero (so 0.5 → 1, −0.5 → −1).
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    // The common case fits in 64 bits, where division is several times
    // cheaper than the 128-bit routine (explosion divides thrice per node).
    if let (Ok(n), Ok(d)) = (i64::try_from(num), i64::try_from(den)) {
        let (q, r) = (n / d, n % d);
        // |r| < d ≤ i64::MAX, so 2|r| fits in u64.
        return i128::from(if r.unsigned_abs() * 2 >= d.unsigned_abs() {
            q + n.signum()
        } else {
            q
        });
    }
    let q = num / den;
    let r = num % den;
    if r.abs() * 2 >= den {
        q + num.signum()
    } else {
        q
    }
}

fn fit(v: i128) -> Result<i64, QtyOverflow> {
    i64::try_from(v).map_err(|_| QtyOverflow)
}

impl Qty {
    pub const ZERO: Qty = Qty(0);
    pub const ONE: Qty = Qty(SCALE);

    /// From integer millionths (as stored in the database).
    pub const fn from_millionths(m: i64) -> Qty {
        Qty(m)
    }

    /// The stored form: integer millionths.
    pub const fn millionths(self) -> i64 {
        self.0
    }

    /// A whole number of units.
    pub fn from_int(n: i64) -> Result<Qty, QtyOverflow> {
        n.checked_mul(SCALE).map(Qty).ok_or(QtyOverflow)
    }

    /// `num / den` as a quantity, rounded half up at six decimals.
    pub fn ratio(num: i64, den: i64) -> Result<Qty, QtyOverflow> {
        if den == 0 {
            return Err(QtyOverflow);
        }
        let (num, den) = if den < 0 {
            (-(num as i128), -(den as i128))
        } else {
            (num as i128, den as i128)
        };
        fit(div_round(num * SCALE as i128, den)).map(Qty)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Reads text such as `120`, `1.5` or `0.35` (an optional leading `-`,
    /// digits, and at most six decimals). Anything else — exponents, `NaN`,
    /// commas, a bare `.5` — is a field error on `field`.
    pub fn parse(field: &str, s: &str) -> Result<Qty, AppError> {
        let t = s.trim();
        let bad = || AppError::field(field, "must be a number such as 120, 1.5 or 0.35");
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let frac = frac.unwrap_or("");
        if (digits.contains('.') && frac.is_empty()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > DECIMALS {
            return Err(AppError::field(field, "use at most 6 decimal places"));
        }
        let too_big = || AppError::field(field, "is too large");
        let int: i64 = int
            .trim_start_matches('0')
            .parse::<i64>()
            .or_else(|e| match e.kind() {
                std::num::IntErrorKind::Empty => Ok(0),
                _ => Err(too_big()),
            })?;
        let frac_val: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse::<i64>().map_err(|_| bad())? * 10i64.pow((DECIMALS - frac.len()) as u32)
        };
        let m = int
            .checked_mul(SCALE)
            .and_then(|v| v.checked_add(frac_val))
            .ok_or_else(too_big)?;
        Ok(Qty(if neg { -m } else { m }))
    }

    /// Like [`Qty::parse`], and the quantity must be more than zero.
    pub fn parse_positive(field: &str, s: &str) -> Result<Qty, AppError> {
        let q = Qty::parse(field, s)?;
        if !q.is_positive() {
            return Err(AppError::field(field, "must be more than zero"));
        }
        Ok(q)
    }

    /// Like [`Qty::parse`], and the quantity must not be negative.
    pub fn parse_non_negative(field: &str, s: &str) -> Result<Qty, AppError> {
        let q = Qty::parse(field, s)?;
        if q.is_negative() {
            return Err(AppError::field(field, "must not be negative"));
        }
        Ok(q)
    }

    pub fn checked_add(self, o: Qty) -> Result<Qty, QtyOverflow> {
        self.0.checked_add(o.0).map(Qty).ok_or(QtyOverflow)
    }

    pub fn checked_sub(self, o: Qty) -> Result<Qty, QtyOverflow> {
        self.0.checked_sub(o.0).map(Qty).ok_or(QtyOverflow)
    }

    // Not `std::ops::Mul`: the product can overflow, so it answers a Result.
    #[allow(clippy::should_implement_trait)]
    /// `self × o`, computed exactly in 128 bits and rounded half up (away
    /// from zero) at six decimals.
    pub fn mul(self, o: Qty) -> Result<Qty, QtyOverflow> {
        fit(div_round(self.0 as i128 * o.0 as i128, SCALE as i128)).map(Qty)
    }

    #[allow(clippy::should_implement_trait)]
    /// `self ÷ o`, rounded half up at six decimals; dividing by zero fails.
    pub fn div(self, o: Qty) -> Result<Qty, QtyOverflow> {
        if o.0 == 0 {
            return Err(QtyOverflow);
        }
        let (n, d) = (self.0 as i128 * SCALE as i128, o.0 as i128);
        let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
        fit(div_round(n, d)).map(Qty)
    }

    /// The quantity to issue when `bp` basis points are lost to scrap:
    /// `self × (1 + bp / 10 000)`, rounded half up (550 bp = 5.5 %).
    pub fn apply_scrap(self, bp: u32) -> Result<Qty, QtyOverflow> {
        let f = 10_000i128 + bp as i128;
        fit(div_round(self.0 as i128 * f, 10_000)).map(Qty)
    }

    /// The smallest whole number at least `self` (for counting pieces).
    pub fn ceil_int(self) -> i64 {
        self.0.div_euclid(SCALE) + i64::from(self.0.rem_euclid(SCALE) != 0)
    }
}

/// What `qty` units cost at `unit_cost_minor` minor units (cents) each,
/// rounded half up to a whole minor unit.
pub fn money_for(qty: Qty, unit_cost_minor: i64) -> Result<i64, QtyOverflow> {
    fit(div_round(
        qty.0 as i128 * unit_cost_minor as i128,
        SCALE as i128,
    ))
}

impl fmt::Display for Qty {
    /// `0.35`, `120`, `-1.5`: no trailing zeros, no exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        let (int, frac) = (abs / SCALE as u64, abs % SCALE as u64);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let frac = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", frac.trim_end_matches('0'))
        }
    }
}

impl Serialize for Qty {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Qty {
    /// Text such as `"0.35"`; whole JSON numbers are accepted too, fractional
    /// JSON numbers are refused (they may already have been rounded).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Qty, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Qty;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quantity as text, such as \"0.35\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Qty, E> {
                Qty::parse("qty", v).map_err(|_| E::custom("a quantity such as \"0.35\""))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Qty, E> {
                Qty::from_int(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Qty, E> {
                let v = i64::try_from(v).map_err(|_| E::custom(QtyOverflow))?;
                Qty::from_int(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> Qty {
        Qty::parse("qty", s).unwrap()
    }

    #[test]
    fn parses_plain_decimals() {
        assert_eq!(q("0.35").millionths(), 350_000);
        assert_eq!(q(" 120 ").millionths(), 120_000_000);
        assert_eq!(q("1.5").millionths(), 1_500_000);
        assert_eq!(q("-2.000001").millionths(), -2_000_001);
        assert_eq!(q("007.5"), q("7.5"));
        assert_eq!(q("0"), Qty::ZERO);
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "",
            " ",
            "NaN",
            "inf",
            "1e3",
            "1E-2",
            "0.1234567",
            ".5",
            "1.",
            "1,5",
            "+1",
            "--1",
            "1.2.3",
            "0x10",
            "99999999999999999999",
        ] {
            let e = Qty::parse("lines[0].qty", bad).unwrap_err();
            assert_eq!(e.field_error().unwrap().field, "lines[0].qty", "{bad}");
        }
        assert!(Qty::parse_positive("q", "0").is_err());
        assert!(Qty::parse_positive("q", "-1").is_err());
        assert!(Qty::parse_non_negative("q", "-0.1").is_err());
        assert_eq!(Qty::parse_non_negative("q", "0").unwrap(), Qty::ZERO);
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(q("0.350").to_string(), "0.35");
        assert_eq!(q("120.000000").to_string(), "120");
        assert_eq!(q("-0.000001").to_string(), "-0.000001");
        assert_eq!(
            Qty::from_millionths(i64::MIN).to_string(),
            "-9223372036854.775808"
        );
    }

    #[test]
    fn arithmetic_rounds_half_up_and_never_wraps() {
        assert_eq!(q("0.35").mul(q("20")).unwrap(), q("7"));
        // 0.000001 × 0.5 = 0.0000005 → rounds up to 0.000001
        assert_eq!(q("0.000001").mul(q("0.5")).unwrap(), q("0.000001"));
        assert_eq!(q("0.000001").mul(q("0.4")).unwrap(), Qty::ZERO);
        assert_eq!(q("10").apply_scrap(550).unwrap(), q("10.55"));
        assert_eq!(q("0.000003").apply_scrap(5000).unwrap(), q("0.000005")); // 4.5 → 5
        assert_eq!(Qty::ratio(12_000, 800).unwrap(), q("15"));
        assert_eq!(Qty::ratio(2, 3).unwrap(), q("0.666667"));
        assert_eq!(q("1").div(q("3")).unwrap(), q("0.333333"));
        assert_eq!(q("1").div(Qty::ZERO), Err(QtyOverflow));
        assert_eq!(Qty::from_millionths(i64::MAX).mul(q("2")), Err(QtyOverflow));
        assert_eq!(
            Qty::from_millionths(i64::MAX).apply_scrap(1),
            Err(QtyOverflow)
        );
        assert_eq!(
            Qty::from_millionths(i64::MAX).checked_add(Qty::ONE),
            Err(QtyOverflow)
        );
        assert_eq!(money_for(q("11"), 850).unwrap(), 9350);
        assert_eq!(money_for(q("0.5"), 1).unwrap(), 1); // half a cent rounds up
        assert_eq!(money_for(q("0.49"), 1).unwrap(), 0);
        assert_eq!(q("3.000001").ceil_int(), 4);
        assert_eq!(q("3").ceil_int(), 3);
        assert_eq!(Qty::ZERO.ceil_int(), 0);
    }

    #[test]
    fn travels_as_json_text() {
        assert_eq!(serde_json::to_string(&q("0.35")).unwrap(), "\"0.35\"");
        let back: Qty = serde_json::from_str("\"0.35\"").unwrap();
        assert_eq!(back, q("0.35"));
        let whole: Qty = serde_json::from_str("12").unwrap();
        assert_eq!(whole, q("12"));
        assert!(serde_json::from_str::<Qty>("0.35").is_err());
        assert!(serde_json::from_str::<Qty>("\"1e3\"").is_err());
    }

    proptest! {
        #[test]
        fn mul_is_commutative(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000) {
            let (a, b) = (Qty::from_millionths(a), Qty::from_millionths(b));
            prop_assert_eq!(a.mul(b), b.mul(a));
        }

        #[test]
        fn div_round_fast_path_agrees_with_128_bits(n in any::<i64>(), d in 1..i64::MAX, wide in any::<bool>()) {
            // The 64-bit path against the plain 128-bit rule it stands in for.
            let num = if wide { n as i128 * 1_000_003 } else { n as i128 };
            let den = d as i128;
            let (q, r) = (num / den, num % den);
            let want = if r.abs() * 2 >= den { q + num.signum() } else { q };
            prop_assert_eq!(div_round(num, den), want);
        }

        #[test]
        fn no_scrap_is_identity(m in any::<i64>()) {
            let a = Qty::from_millionths(m);
            prop_assert_eq!(a.apply_scrap(0), Ok(a));
        }

        #[test]
        fn parse_of_display_round_trips(m in any::<i64>()) {
            let a = Qty::from_millionths(m);
            // i64::MIN's magnitude has no positive twin; everything else must round-trip.
            prop_assume!(m != i64::MIN);
            prop_assert_eq!(Qty::parse("q", &a.to_string()), Ok(a));
        }
    }
}
