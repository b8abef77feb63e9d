//! Reading an import file: UTF-8 CSV (a byte-order mark allowed), comma
//! separated, `"` quoting; the first row names the columns, in any order and
//! any case. An unknown, repeated or missing column is a problem at row 1
//! naming it (and then no data row is read: their meaning is unknown).
//! Rows are numbered as a spreadsheet shows them: the header is row 1.
//! Blank rows are skipped; a row with more or fewer values than the header
//! is a problem of the whole row (field `row`).

use domain::import::{RowError, MAX_ROWS};
use domain::AppError;

/// A column a file may have.
pub(super) struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub(super) const fn required(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

pub(super) const fn optional(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// One data row: its number and, for each column of the schema, its value
/// (`None` when the file has no such column).
pub(super) struct Record {
    pub row: u32,
    cells: Vec<Option<String>>,
}

impl Record {
    /// The value of column `name` (of the schema), if the file has the column.
    pub fn cell(&self, columns: &[Column], name: &str) -> Option<&str> {
        let i = columns.iter().position(|c| c.name == name)?;
        self.cells.get(i)?.as_deref()
    }

    /// The value of column `name`, empty when the file has no such column.
    pub fn text(&self, columns: &[Column], name: &str) -> &str {
        self.cell(columns, name).unwrap_or("")
    }
}

/// The rows read, and the problems found reading them.
pub(super) struct Table {
    pub records: Vec<Record>,
    pub errors: Vec<RowError>,
    /// Data rows read (blank rows not counted).
    pub rows: u32,
}

pub(super) fn problem(row: u32, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        field: field.to_string(),
        message: message.into(),
    }
}

fn names(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of the header, each as the index of its schema column.
fn header(fields: &csv::StringRecord, columns: &[Column]) -> (Vec<usize>, Vec<RowError>) {
    let mut map = Vec::with_capacity(fields.len());
    let mut errors = Vec::new();
    for f in fields {
        let name = f.trim().to_lowercase();
        match columns.iter().position(|c| c.name == name) {
            Some(i) if map.contains(&i) => {
                errors.push(problem(1, &name, "this column is named twice"));
            }
            Some(i) => map.push(i),
            None if name.is_empty() => {
                errors.push(problem(1, "row", "a column has no name"));
            }
            None => errors.push(problem(
                1,
                &name,
                format!("unknown column; the columns are {}", names(columns)),
            )),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.required && !map.contains(&i) {
            errors.push(problem(1, c.name, "this column is missing"));
        }
    }
    (map, errors)
}

/// Reads `text` against `columns`. Errors that concern the whole file (it
/// is empty, it has too many rows) are field errors on `body`.
pub(super) fn read(text: &str, columns: &[Column]) -> Result<Table, AppError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(AppError::field(
            "body",
            format!(
                "the file is empty; its first row names the columns ({})",
                names(columns)
            ),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let head = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(AppError::field("body", format!("the header row: {e}"))),
        None => return Err(AppError::field("body", "the file is empty")),
    };
    let (map, errors) = header(&head, columns);
    let mut table = Table {
        records: Vec::new(),
        errors,
        rows: 0,
    };
    if !table.errors.is_empty() {
        return Ok(table);
    }
    for r in records {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as u32);
                table.errors.push(problem(row, "row", e.to_string()));
                break;
            }
        };
        if r.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        table.rows += 1;
        if table.rows as usize > MAX_ROWS {
            return Err(AppError::field(
                "body",
                format!("the file has more than {MAX_ROWS} rows; split it into smaller files"),
            ));
        }
        let row = r.position().map_or(0, |p| p.line() as u32);
        if r.len() != map.len() {
            table.errors.push(problem(
                row,
                "row",
                format!(
                    "this row has {} values; the header names {} columns",
                    r.len(),
                    map.len()
                ),
            ));
            continue;
        }
        let mut cells = vec![None; columns.len()];
        for (value, &i) in r.iter().zip(&map) {
            cells[i] = Some(value.to_string());
        }
        table.records.push(Record { row, cells });
    }
    Ok(table)
}

/// Splits `s` on `sep`, trimming the parts and leaving out empty ones.
pub(super) fn parts(s: &str, sep: char) -> impl Iterator<Item = &str> {
    s.split(sep).map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[required("code"), required("name"), optional("unit")];

    #[test]
    fn header_any_order_and_case_with_rows_numbered_like_a_spreadsheet() {
        let t = read(
            "\u{feff}Name, CODE\n\"Bear, big\",B1\n\n,\n\"two\nlines\",B2\nx\n",
            COLS,
        )
        .unwrap();
        assert_eq!(t.rows, 3);
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].row, 2);
        assert_eq!(t.records[0].text(COLS, "name"), "Bear, big");
        assert_eq!(t.records[0].text(COLS, "code"), "B1");
        assert_eq!(t.records[0].cell(COLS, "unit"), None);
        assert_eq!(t.records[1].row, 5);
        assert_eq!(
            t.errors,
            vec![problem(
                7,
                "row",
                "this row has 1 values; the header names 2 columns"
            )]
        );
    }

    #[test]
    fn header_problems_name_the_column() {
        let t = read("code,colour,code\nA,b,c\n", COLS).unwrap();
        let fields: Vec<_> = t.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["colour", "code", "name"]);
        assert!(t.records.is_empty());
        assert!(t.errors.iter().all(|e| e.row == 1));
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert!(read("  \n", COLS).is_err());
        let mut big = String::from("code,name\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("C{i},n\n"));
        }
        let e = read(&big, COLS).err().unwrap();
        assert_eq!(e.field_error().unwrap().field, "body");
    }
}
