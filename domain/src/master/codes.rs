//! Codes, names and money as master data holds them: an item's code such as
//! `T-100`, a work centre's name, a standard cost in cents.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The code people type and print on labels for an item, unit, work centre
/// or design: 1–32 letters, digits, `-`, `_` or `.`, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Code(String);

impl Code {
    pub const MAX_LEN: usize = 32;

    /// Trims, checks and upper-cases `s`; a field error on `field` otherwise.
    pub fn parse(field: &str, s: &str) -> Result<Code, AppError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(AppError::field(field, "enter a code"));
        }
        if t.chars().count() > Self::MAX_LEN {
            return Err(AppError::field(field, "use at most 32 characters"));
        }
        if let Some(c) = t
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(AppError::field(
                field,
                format!("use only letters, digits, '-', '_' and '.' (not {c:?})"),
            ));
        }
        Ok(Code(t.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name such as "Teddy bear, 30 cm": 1–120 characters, trimmed,
/// no control characters (tabs and line breaks included).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX_LEN: usize = 120;

    pub fn parse(field: &str, s: &str) -> Result<Name, AppError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(AppError::field(field, "enter a name"));
        }
        if t.chars().count() > Self::MAX_LEN {
            return Err(AppError::field(field, "use at most 120 characters"));
        }
        if t.chars().any(char::is_control) {
            return Err(AppError::field(
                field,
                "remove tabs, line breaks and control characters",
            ));
        }
        Ok(Name(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A money amount in minor units (cents) that may not be negative, such as
/// a standard cost or a labour rate.
pub fn parse_money(field: &str, minor: i64) -> Result<i64, AppError> {
    if minor < 0 {
        return Err(AppError::field(field, "must not be negative"));
    }
    Ok(minor)
}

/// A short label inside an item's definition (an attribute name such as
/// `size`, or a value such as `XL`): 1–40 characters, trimmed, none of
/// `=`, `;` (they separate a variant's key) and no control characters.
pub fn parse_label(field: &str, s: &str) -> Result<String, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::field(field, "must not be empty"));
    }
    if t.chars().count() > 40 {
        return Err(AppError::field(field, "use at most 40 characters"));
    }
    if t.chars().any(|c| c.is_control() || c == '=' || c == ';') {
        return Err(AppError::field(
            field,
            "must not contain '=', ';' or control characters",
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: AppError) -> String {
        e.field_error().unwrap().field.clone()
    }

    #[test]
    fn codes_are_trimmed_checked_and_upper_cased() {
        assert_eq!(Code::parse("code", " t-100 ").unwrap().as_str(), "T-100");
        assert_eq!(
            Code::parse("code", "fab_plush.br").unwrap().as_str(),
            "FAB_PLUSH.BR"
        );
        assert_eq!(
            Code::parse("code", &"a".repeat(32)).unwrap().as_str().len(),
            32
        );
        for bad in ["", "  ", "T 100", "T/100", "Tédy", &"a".repeat(33)] {
            assert_eq!(
                field_of(Code::parse("lines[0].component", bad).unwrap_err()),
                "lines[0].component",
                "{bad}"
            );
        }
    }

    #[test]
    fn names_and_money() {
        assert_eq!(
            Name::parse("name", "  Teddy bear ").unwrap().as_str(),
            "Teddy bear"
        );
        assert!(Name::parse("name", "").is_err());
        assert!(Name::parse("name", "a\tb").is_err());
        assert!(Name::parse("name", &"x".repeat(121)).is_err());
        assert!(Name::parse("name", &"é".repeat(120)).is_ok());
        assert_eq!(parse_money("standard_cost_minor", 0), Ok(0));
        assert_eq!(
            field_of(parse_money("standard_cost_minor", -1).unwrap_err()),
            "standard_cost_minor"
        );
    }

    #[test]
    fn labels_cannot_break_a_variant_key() {
        assert_eq!(parse_label("a", " XL ").unwrap(), "XL");
        for bad in ["", "a=b", "a;b", "a\nb", &"x".repeat(41)] {
            assert!(parse_label("a", bad).is_err(), "{bad}");
        }
    }
}
