//! CSV import of master data and BOMs (module import/export): what a dry run
//! or a commit answers — the rows read, what was (or would be) created and
//! updated, and every problem at its row and column. The file formats are
//! the service's (`service/src/import/`); the limits are here so the server
//! and the service agree.

use serde::{Deserialize, Serialize};

/// The largest file accepted (bytes); a larger body is refused with 413.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most data rows in one file (the header not counted).
pub const MAX_ROWS: usize = 20_000;

/// One problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The row as a spreadsheet numbers it: the header is row 1, the first
    /// data row is row 2 (a quoted value spanning lines is still one row).
    pub row: u32,
    /// The column, as the header names it (lower-case); `row` for a problem
    /// with the whole row.
    pub field: String,
    pub message: String,
}

/// What an import did, or (a dry run, or a refused commit) would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// As asked: `true` writes nothing. A commit with errors (answered 422)
    /// writes nothing either.
    pub dry_run: bool,
    /// Data rows read (the header not counted).
    pub rows: u32,
    /// Records created: items, or BOMs (a BOM is all the rows of one parent).
    /// For a dry run, what a commit would create from the rows without errors.
    pub created: u32,
    /// Records updated (an existing code, or a parent that has a BOM).
    pub updated: u32,
    /// Every problem, by row; empty when the file may be (or was) committed.
    pub errors: Vec<RowError>,
}
