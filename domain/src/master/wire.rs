//! Master data as the service stores and answers it: each record with its
//! id, version (for optimistic edits) and whether it is archived; the list
//! query and its page; and the inputs not covered elsewhere (customers,
//! suppliers, machines).

use super::calendar::ShiftCalendarInput;
use super::codes::{Code, Name};
use super::items::{Attribute, ItemKind};
use super::qty::Qty;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A list request: `q` matches a code prefix or the start of any word of the
/// name (case-insensitive); archived records only with `include_archived`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    /// 1–200, default 50.
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub include_archived: bool,
}

impl ListParams {
    pub const DEFAULT_LIMIT: i64 = 50;
    pub const MAX_LIMIT: i64 = 200;

    /// The checked `(limit, offset)`; a field error naming the bad one.
    pub fn window(&self) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(AppError::field("limit", "must be between 1 and 200"));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(AppError::field("offset", "must not be negative"));
        }
        Ok((limit, offset))
    }

    /// The search text, trimmed and lower-cased; at most 100 characters.
    pub fn needle(&self) -> Result<String, AppError> {
        let t = self.q.trim();
        if t.chars().count() > 100 {
            return Err(AppError::field("q", "use at most 100 characters"));
        }
        if t.chars().any(char::is_control) {
            return Err(AppError::field("q", "remove control characters"));
        }
        Ok(t.to_lowercase())
    }
}

/// What `search_text` holds for a record: `lower(code + ' ' + name)`.
pub fn search_text(code: &str, name: &str) -> String {
    format!("{code} {name}").to_lowercase()
}

/// One page of a list, and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// An edit: the version the editor started from, and the new values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Versioned<T> {
    /// The record's `version` as read; a stale one answers 409.
    pub version: i64,
    #[serde(flatten)]
    pub input: T,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub archived: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversionRecord {
    pub id: i64,
    pub from: String,
    pub to: String,
    /// 1 `from` = `factor` × `to`, as decimal text.
    pub factor: Qty,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    /// The unit's code.
    pub unit: String,
    pub standard_cost_minor: i64,
    pub attributes: Vec<Attribute>,
    /// The embroidery design's code, if any.
    pub embroidery_design: Option<String>,
    pub archived: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkCentreRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    /// As it is edited: minutes per weekday (Monday first), the day's start,
    /// holidays (`YYYY-MM-DD`) and closures (ISO instants).
    pub calendar: ShiftCalendarInput,
    pub parallel_capacity: u32,
    pub labour_rate_minor_per_hour: i64,
    pub archived: bool,
    pub version: i64,
}

/// A work centre's capacity on one day: the calendar's open minutes, and
/// those times its parallel capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapacityDay {
    /// `YYYY-MM-DD`, in the plant's time zone.
    pub date: String,
    pub open_minutes: u32,
    pub capacity_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MachineRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The work centre's code ("" when none).
    pub work_centre: String,
    pub work_centre_name: String,
    /// Embroidery machines only.
    pub stitches_per_minute: Option<u32>,
    pub heads: Option<u32>,
    pub archived: bool,
    pub version: i64,
}

/// A new or edited machine as typed. Embroidery machines give both their
/// speed and number of heads; other machines neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MachineInput {
    pub code: String,
    pub name: String,
    /// The work centre's code; empty for none.
    #[serde(default)]
    pub work_centre: String,
    #[serde(default)]
    pub stitches_per_minute: Option<u32>,
    #[serde(default)]
    pub heads: Option<u32>,
}

/// A checked machine.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineSpec {
    pub code: String,
    pub name: String,
    pub work_centre: Option<String>,
    pub embroidery: Option<super::EmbroideryMachine>,
}

impl MachineInput {
    pub fn parse(&self) -> Result<MachineSpec, AppError> {
        let code = Code::parse("code", &self.code)?.into_string();
        let name = Name::parse("name", &self.name)?.into_string();
        let work_centre = match self.work_centre.trim() {
            "" => None,
            w => Some(Code::parse("work_centre", w)?.into_string()),
        };
        let embroidery = match (self.stitches_per_minute, self.heads) {
            (None, None) => None,
            (Some(s), Some(h)) => {
                if s == 0 || s > 10_000 {
                    return Err(AppError::field(
                        "stitches_per_minute",
                        "must be between 1 and 10000",
                    ));
                }
                if h == 0 || h > 100 {
                    return Err(AppError::field("heads", "must be between 1 and 100"));
                }
                Some(super::EmbroideryMachine {
                    stitches_per_minute: s,
                    heads: h,
                })
            }
            (None, Some(_)) => {
                return Err(AppError::field(
                    "stitches_per_minute",
                    "give an embroidery machine's speed with its heads",
                ))
            }
            (Some(_), None) => {
                return Err(AppError::field(
                    "heads",
                    "give an embroidery machine's heads with its speed",
                ))
            }
        };
        Ok(MachineSpec {
            code,
            name,
            work_centre,
            embroidery,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesignRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub stitch_count: u32,
    pub colour_changes: u32,
    pub thread_colours: Vec<String>,
    pub hoop: String,
    /// The design file, if one was uploaded.
    pub file: Option<FileInfo>,
    pub archived: bool,
    pub version: i64,
}

/// An attachment's description (its bytes are downloaded separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileInfo {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// ISO instant.
    pub uploaded_at: String,
}

/// A customer or supplier as typed (suppliers also give a lead time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    /// Suppliers: days from order to delivery (0–365). Ignored for customers.
    #[serde(default)]
    pub lead_time_days: u32,
}

/// A checked customer or supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub code: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub lead_time_days: u32,
}

fn optional_text(field: &str, s: &str, max: usize, lines: bool) -> Result<String, AppError> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("use at most {max} characters"),
        ));
    }
    if t.chars().any(|c| c.is_control() && !(lines && c == '\n')) {
        return Err(AppError::field(field, "remove control characters"));
    }
    Ok(t.to_string())
}

impl PartyInput {
    pub fn parse(&self) -> Result<Party, AppError> {
        let code = Code::parse("code", &self.code)?.into_string();
        let name = Name::parse("name", &self.name)?.into_string();
        let email = optional_text("email", &self.email, 200, false)?;
        if !email.is_empty() {
            let ok = email.split_once('@').is_some_and(|(a, b)| {
                !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.')
            }) && !email.contains(char::is_whitespace);
            if !ok {
                return Err(AppError::field(
                    "email",
                    "write an address such as orders@example.com",
                ));
            }
        }
        let phone = optional_text("phone", &self.phone, 40, false)?;
        if phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +-()./".contains(c)))
        {
            return Err(AppError::field(
                "phone",
                "use digits, spaces and + - ( ) . / only",
            ));
        }
        let address = optional_text("address", &self.address, 500, true)?;
        if self.lead_time_days > 365 {
            return Err(AppError::field("lead_time_days", "must be 0 to 365 days"));
        }
        Ok(Party {
            code,
            name,
            email,
            phone,
            address,
            lead_time_days: self.lead_time_days,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub archived: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplierRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    /// Days from order to delivery.
    pub lead_time_days: u32,
    pub archived: bool,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: AppError) -> String {
        e.field_error().unwrap().field.clone()
    }

    #[test]
    fn list_params_check_their_window() {
        let p = ListParams::default();
        assert_eq!(p.window().unwrap(), (50, 0));
        let bad = ListParams {
            limit: Some(201),
            ..Default::default()
        };
        assert_eq!(field(bad.window().unwrap_err()), "limit");
        let bad = ListParams {
            offset: Some(-1),
            ..Default::default()
        };
        assert_eq!(field(bad.window().unwrap_err()), "offset");
        let q = ListParams {
            q: "  Teddy ".into(),
            ..Default::default()
        };
        assert_eq!(q.needle().unwrap(), "teddy");
        assert_eq!(search_text("T-100", "Teddy Bear"), "t-100 teddy bear");
    }

    #[test]
    fn machines_give_speed_and_heads_together() {
        let ok = MachineInput {
            code: "emb-03".into(),
            name: "Tajima".into(),
            work_centre: "emb".into(),
            stitches_per_minute: Some(800),
            heads: Some(6),
        };
        let m = ok.parse().unwrap();
        assert_eq!(m.work_centre.as_deref(), Some("EMB"));
        assert_eq!(m.embroidery.unwrap().heads, 6);
        let f = |i: MachineInput| field(i.parse().unwrap_err());
        assert_eq!(
            f(MachineInput {
                heads: None,
                ..ok.clone()
            }),
            "heads"
        );
        assert_eq!(
            f(MachineInput {
                stitches_per_minute: Some(0),
                ..ok.clone()
            }),
            "stitches_per_minute"
        );
        assert_eq!(
            f(MachineInput {
                work_centre: "a b".into(),
                ..ok.clone()
            }),
            "work_centre"
        );
    }

    #[test]
    fn parties_name_the_bad_field() {
        let ok = PartyInput {
            code: "toyco".into(),
            name: "ToyCo Ltd".into(),
            email: "orders@toyco.example".into(),
            phone: "+27 (21) 555-0101".into(),
            address: "1 Main Road\nCape Town".into(),
            lead_time_days: 14,
        };
        assert_eq!(ok.parse().unwrap().code, "TOYCO");
        let f = |i: PartyInput| field(i.parse().unwrap_err());
        assert_eq!(
            f(PartyInput {
                email: "nobody".into(),
                ..ok.clone()
            }),
            "email"
        );
        assert_eq!(
            f(PartyInput {
                phone: "call me".into(),
                ..ok.clone()
            }),
            "phone"
        );
        assert_eq!(
            f(PartyInput {
                lead_time_days: 400,
                ..ok.clone()
            }),
            "lead_time_days"
        );
        assert_eq!(
            f(PartyInput {
                name: "".into(),
                ..ok.clone()
            }),
            "name"
        );
    }
}
