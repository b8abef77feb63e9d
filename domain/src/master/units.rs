//! Units of measure (pieces, metres, rolls, kilograms) and the conversions
//! between them, so fabric bought by the roll can be planned in metres.

use super::codes::{Code, Name};
use super::qty::Qty;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// A unit of measure: its code (`M`, `ROLL`, `EA`) and name ("metre").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub code: String,
    pub name: String,
}

/// A new or edited unit, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    pub code: String,
    pub name: String,
}

impl UnitInput {
    pub fn parse(&self) -> Result<Unit, AppError> {
        Ok(Unit {
            code: Code::parse("code", &self.code)?.into_string(),
            name: Name::parse("name", &self.name)?.into_string(),
        })
    }
}

/// `1 from = factor to`: one roll (`ROLL`) is 50 metres (`M`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversion {
    pub from: String,
    pub to: String,
    pub factor: Qty,
}

/// A conversion as typed; the factor is text such as `"50"` or `"0.9144"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversionInput {
    pub from: String,
    pub to: String,
    pub factor: String,
}

impl ConversionInput {
    pub fn parse(&self) -> Result<Conversion, AppError> {
        let from = Code::parse("from", &self.from)?.into_string();
        let to = Code::parse("to", &self.to)?.into_string();
        if from == to {
            return Err(AppError::field(
                "to",
                "must differ from the unit converted from",
            ));
        }
        let factor = Qty::parse_positive("factor", &self.factor)?;
        Ok(Conversion { from, to, factor })
    }
}

/// `qty` in unit `from` expressed in unit `to`, using a direct conversion,
/// its inverse, or the shortest chain of them (e.g. rolls → metres →
/// centimetres). Each step rounds half up at six decimals. Codes are
/// compared as stored (upper-case). A field error on `unit` when no chain
/// exists or a factor is not positive.
pub fn convert(
    qty: Qty,
    from: &str,
    to: &str,
    conversions: &[Conversion],
) -> Result<Qty, AppError> {
    if from == to {
        return Ok(qty);
    }
    // Each edge: (next unit, factor, multiply?) — inverse edges divide.
    let mut edges: BTreeMap<&str, Vec<(&str, Qty, bool)>> = BTreeMap::new();
    for c in conversions {
        if !c.factor.is_positive() {
            return Err(AppError::field(
                "unit",
                format!(
                    "the conversion from {} to {} needs a factor above zero",
                    c.from, c.to
                ),
            ));
        }
        edges
            .entry(&c.from)
            .or_default()
            .push((&c.to, c.factor, true));
        edges
            .entry(&c.to)
            .or_default()
            .push((&c.from, c.factor, false));
    }
    let mut prev: BTreeMap<&str, (&str, Qty, bool)> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        if u == to {
            break;
        }
        for &(v, f, mul) in edges.get(u).into_iter().flatten() {
            if v != from && !prev.contains_key(v) {
                prev.insert(v, (u, f, mul));
                queue.push_back(v);
            }
        }
    }
    if !prev.contains_key(to) {
        return Err(AppError::field(
            "unit",
            format!("no conversion from {from} to {to}"),
        ));
    }
    let mut steps = Vec::new();
    let mut at = to;
    while at != from {
        let (p, f, mul) = prev[at];
        steps.push((f, mul));
        at = p;
    }
    let too_big = |_| AppError::field("qty", "is too large to convert");
    steps.into_iter().rev().try_fold(qty, |q, (f, mul)| {
        if mul { q.mul(f) } else { q.div(f) }.map_err(too_big)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Qty {
        Qty::parse("q", s).unwrap()
    }

    fn conv(from: &str, to: &str, f: &str) -> Conversion {
        Conversion {
            from: from.into(),
            to: to.into(),
            factor: q(f),
        }
    }

    #[test]
    fn direct_inverse_and_chained() {
        let cs = [
            conv("ROLL", "M", "50"),
            conv("M", "CM", "100"),
            conv("KG", "G", "1000"),
        ];
        assert_eq!(convert(q("2"), "ROLL", "M", &cs).unwrap(), q("100"));
        assert_eq!(convert(q("25"), "M", "ROLL", &cs).unwrap(), q("0.5"));
        assert_eq!(convert(q("1.5"), "ROLL", "CM", &cs).unwrap(), q("7500"));
        assert_eq!(convert(q("7500"), "CM", "ROLL", &cs).unwrap(), q("1.5"));
        assert_eq!(convert(q("3"), "EA", "EA", &[]).unwrap(), q("3"));
        let e = convert(q("1"), "ROLL", "KG", &cs).unwrap_err();
        assert_eq!(
            e.field_error().unwrap().message,
            "no conversion from ROLL to KG"
        );
        assert!(convert(q("1"), "ROLL", "M", &[conv("ROLL", "M", "0")]).is_err());
    }

    #[test]
    fn inputs_name_their_field() {
        let ok = ConversionInput {
            from: "roll".into(),
            to: "m".into(),
            factor: "50".into(),
        };
        assert_eq!(ok.parse().unwrap(), conv("ROLL", "M", "50"));
        let f = |i: ConversionInput| i.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            f(ConversionInput {
                factor: "0".into(),
                ..ok.clone()
            }),
            "factor"
        );
        assert_eq!(
            f(ConversionInput {
                to: "ROLL".into(),
                ..ok.clone()
            }),
            "to"
        );
        assert_eq!(
            f(ConversionInput {
                from: "".into(),
                ..ok.clone()
            }),
            "from"
        );
        assert!(UnitInput {
            code: "m".into(),
            name: "metre".into()
        }
        .parse()
        .is_ok());
        assert!(UnitInput {
            code: "m".into(),
            name: "".into()
        }
        .parse()
        .is_err());
    }
}
