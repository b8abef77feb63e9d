//! Column types shared by every module's row types (`#[derive(sqlx::FromRow)]`
//! structs kept next to the queries that read them). sqlx's `Any` driver
//! decodes an INTEGER column as `i64` on both SQLite and PostgreSQL, never as
//! `bool`, so booleans are stored as 0/1 and read through [`Flag`].

use domain::UnknownValue;

/// A boolean column stored as INTEGER 0 or 1 (`CHECK (x IN (0, 1))`); any
/// other number is a corrupt row, not `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl TryFrom<i64> for Flag {
    type Error = UnknownValue;
    fn try_from(v: i64) -> Result<Self, UnknownValue> {
        match v {
            0 => Ok(Flag(false)),
            1 => Ok(Flag(true)),
            _ => Err(UnknownValue {
                what: "flag",
                value: v.to_string(),
            }),
        }
    }
}

/// `needle` with LIKE's wildcards taken literally (`\` is the escape
/// character: queries say `ESCAPE '\'`).
pub(crate) fn like_escape(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len());
    for c in needle.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `%needle%` for LIKE, wildcards in `needle` taken literally.
pub(crate) fn like_contains(needle: &str) -> String {
    format!("%{}%", like_escape(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_zero_or_one() {
        assert_eq!(Flag::try_from(0), Ok(Flag(false)));
        assert_eq!(Flag::try_from(1), Ok(Flag(true)));
        assert!(Flag::try_from(2).is_err());
        assert!(Flag::try_from(-1).is_err());
    }
}
