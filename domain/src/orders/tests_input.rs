//! The order form's parsing: every bad field named, grids stored as one
//! line per non-zero cell, one row or fixed attributes per grid.

use super::input::*;
use super::wire::OrderItem;
use crate::error::AppError;
use crate::master::Attribute;

pub(crate) fn bear() -> OrderItem {
    OrderItem {
        id: 7,
        code: "T-100".into(),
        name: "Teddy bear".into(),
        unit: "EA".into(),
        attributes: vec![
            Attribute {
                name: "size".into(),
                values: vec!["S".into(), "M".into(), "L".into(), "XL".into()],
            },
            Attribute {
                name: "colour".into(),
                values: vec!["red".into(), "blue".into()],
            },
        ],
        archived: false,
    }
}

fn ribbon() -> OrderItem {
    OrderItem {
        id: 9,
        code: "RIB".into(),
        name: "Ribbon".into(),
        unit: "M".into(),
        attributes: vec![],
        archived: false,
    }
}

fn cell(row: &str, col: &str, qty: &str) -> GridCell {
    GridCell {
        row: row.into(),
        col: col.into(),
        qty: qty.into(),
    }
}

pub(crate) fn grid_line(cells: Vec<GridCell>) -> LineInput {
    LineInput {
        item_id: 7,
        rows_attribute: "colour".into(),
        cols_attribute: "size".into(),
        unit_price_minor: 1500,
        cells,
        ..Default::default()
    }
}

fn order(lines: Vec<LineInput>) -> OrderInput {
    OrderInput {
        customer_id: 3,
        customer_ref: " PO 4471 ".into(),
        due_date: "2026-12-01".into(),
        lines,
        version: None,
    }
}

fn parse(o: &OrderInput) -> Result<NewOrder, AppError> {
    let items = [bear(), ribbon()];
    o.parse(|id| items.iter().find(|i| i.id == id))
}

fn field(o: &OrderInput) -> String {
    parse(o).unwrap_err().field_error().unwrap().field.clone()
}

#[test]
fn a_grid_becomes_one_line_per_non_zero_cell() {
    let o = order(vec![
        grid_line(vec![
            cell("red", "S", "10"),
            cell("red", "M", ""),
            cell("red", "L", "0"),
            cell("blue", "M", "4"),
            cell("blue", "XL", " 2 "),
        ]),
        LineInput {
            item_id: 9,
            qty: "2.5".into(),
            unit_price_minor: 80,
            ..Default::default()
        },
    ]);
    let n = parse(&o).unwrap();
    assert_eq!(n.customer_ref, "PO 4471");
    let keys: Vec<(String, String)> = n
        .lines
        .iter()
        .map(|l| (l.variant.key(), l.qty.to_string()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("colour=red;size=S".into(), "10".into()),
            ("colour=blue;size=M".into(), "4".into()),
            ("colour=blue;size=XL".into(), "2".into()),
            ("".into(), "2.5".into()),
        ]
    );
    assert!(n.lines[..3].iter().all(|l| l.unit_price_minor == 1500));
}

#[test]
fn every_bad_field_is_named() {
    let ok = order(vec![grid_line(vec![cell("red", "S", "1")])]);
    assert!(parse(&ok).is_ok());
    let with = |f: &dyn Fn(&mut OrderInput)| {
        let mut o = ok.clone();
        f(&mut o);
        field(&o)
    };
    assert_eq!(with(&|o| o.customer_id = 0), "customer_id");
    assert_eq!(with(&|o| o.due_date = "2026-13-01".into()), "due_date");
    assert_eq!(with(&|o| o.customer_ref = "x".repeat(61)), "customer_ref");
    assert_eq!(with(&|o| o.lines[0].item_id = 99), "lines[0].item_id");
    assert_eq!(
        with(&|o| o.lines[0].unit_price_minor = -1),
        "lines[0].unit_price_minor"
    );
    assert_eq!(
        with(&|o| o.lines[0].due_date = Some("1 Dec".into())),
        "lines[0].due_date"
    );
    assert_eq!(
        with(&|o| o.lines[0].cols_attribute = "fill".into()),
        "lines[0].cols_attribute"
    );
    assert_eq!(
        with(&|o| o.lines[0].rows_attribute = "size".into()),
        "lines[0].rows_attribute"
    );
    assert_eq!(
        with(&|o| o.lines[0].fixed = "size=M".into()),
        "lines[0].fixed"
    );
    assert_eq!(
        with(&|o| o.lines[0].cells = vec![cell("red", "S", "0")]),
        "lines[0].cells"
    );
    // The sixth cell holds a size the bear does not come in.
    let mut cells: Vec<GridCell> = ["S", "M", "L", "XL"]
        .iter()
        .map(|s| cell("red", s, "1"))
        .collect();
    cells.push(cell("blue", "S", "1"));
    cells.push(cell("blue", "XXL", "3"));
    let mut o = ok.clone();
    o.lines[0].cells = cells.clone();
    let e = parse(&o).unwrap_err();
    let f = e.field_error().unwrap();
    assert_eq!(f.field, "lines[0].cells[5].col");
    assert_eq!(f.message, "size may be S, M, L, XL, not XXL");
    cells[5] = cell("green", "S", "1");
    o.lines[0].cells = cells.clone();
    assert_eq!(field(&o), "lines[0].cells[5].row");
    cells[5] = cell("blue", "M", "1.5");
    o.lines[0].cells = cells.clone();
    assert_eq!(field(&o), "lines[0].cells[5].qty");
    cells[5] = cell("blue", "M", "-1");
    o.lines[0].cells = cells.clone();
    assert_eq!(field(&o), "lines[0].cells[5].qty");
    cells[5] = cell("blue", "S", "2");
    o.lines[0].cells = cells;
    assert_eq!(field(&o), "lines[0].cells[5]");
}

#[test]
fn single_lines_need_a_complete_variant_and_a_positive_whole_quantity() {
    let single = |variant: &str, qty: &str| LineInput {
        item_id: 7,
        variant_key: variant.into(),
        qty: qty.into(),
        ..Default::default()
    };
    assert!(parse(&order(vec![single("size=M;colour=red", "3")])).is_ok());
    assert_eq!(
        field(&order(vec![single("size=M", "3")])),
        "lines[0].variant_key"
    );
    assert_eq!(
        field(&order(vec![single("size=M;colour=red", "0")])),
        "lines[0].qty"
    );
    assert_eq!(
        field(&order(vec![single("size=M;colour=red", "2.5")])),
        "lines[0].qty"
    );
    // The same variant twice: the second entry is named, and the first.
    let e = parse(&order(vec![
        grid_line(vec![cell("red", "M", "1")]),
        single("colour=red;size=M", "3"),
    ]))
    .unwrap_err();
    let f = e.field_error().unwrap();
    assert_eq!(f.field, "lines[1].variant_key");
    assert!(f.message.contains("lines[0].cells[0]"), "{}", f.message);
    // An item without variants takes no grid.
    let mut g = grid_line(vec![cell("", "S", "1")]);
    g.item_id = 9;
    assert_eq!(field(&order(vec![g])), "lines[0].cells");
}

#[test]
fn one_attribute_one_row_and_more_attributes_fixed_per_grid() {
    let mut sized = bear();
    sized.attributes.truncate(1);
    let g = GridInput {
        item_id: 7,
        cols_attribute: "size".into(),
        cells: vec![cell("", "S", "2"), cell("", "L", "1")],
        version: 1,
        ..Default::default()
    };
    let lines = g.parse(&sized).unwrap();
    assert_eq!(lines[1].variant.key(), "size=L");
    let bad = GridInput {
        cells: vec![cell("red", "S", "2")],
        ..g.clone()
    };
    assert_eq!(
        bad.parse(&sized).unwrap_err().field_error().unwrap().field,
        "cells[0].row"
    );

    let mut filled = bear();
    filled.attributes.push(Attribute {
        name: "fill".into(),
        values: vec!["down".into(), "poly".into()],
    });
    let g = GridInput {
        item_id: 7,
        rows_attribute: "colour".into(),
        cols_attribute: "size".into(),
        fixed: "fill=down".into(),
        cells: vec![cell("red", "S", "2")],
        version: 1,
        ..Default::default()
    };
    assert_eq!(
        g.parse(&filled).unwrap()[0].variant.key(),
        "colour=red;fill=down;size=S"
    );
    let missing = GridInput {
        fixed: String::new(),
        ..g.clone()
    };
    let e = missing.parse(&filled).unwrap_err();
    assert_eq!(e.field_error().unwrap().field, "fixed");
    assert_eq!(
        e.field_error().unwrap().message,
        "choose a fill for this grid"
    );
}
