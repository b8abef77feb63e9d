//! Rebuilding the size × colour grid from stored lines, and the totals the
//! grid shows (also used live by the order form as quantities are typed).

use super::wire::{GridView, OrderItem, OrderLine};
use crate::master::{Attribute, Qty, Variant};
use std::collections::BTreeMap;

/// Which attribute goes down, which across, and which are fixed per grid:
/// sizes across (an attribute named `size`, else the first), colours down
/// (`colour`/`color`, else the next), any others fixed. None without attributes.
pub fn default_axes(attrs: &[Attribute]) -> Option<(Option<String>, String, Vec<String>)> {
    let named = |names: &[&str]| {
        attrs
            .iter()
            .position(|a| names.iter().any(|n| a.name.eq_ignore_ascii_case(n)))
    };
    let cols = named(&["size"]).or((!attrs.is_empty()).then_some(0))?;
    let rows = named(&["colour", "color"])
        .filter(|r| *r != cols)
        .or_else(|| (0..attrs.len()).find(|i| *i != cols));
    let fixed = (0..attrs.len())
        .filter(|i| *i != cols && Some(*i) != rows)
        .map(|i| attrs[i].name.clone())
        .collect();
    Some((
        rows.map(|r| attrs[r].name.clone()),
        attrs[cols].name.clone(),
        fixed,
    ))
}

fn add(a: Qty, b: Qty) -> Qty {
    a.checked_add(b).unwrap_or(Qty::from_millionths(i64::MAX))
}

/// Row totals, column totals and the grand total of `cells[r][c]`.
pub fn grid_totals(cells: &[Vec<Qty>]) -> (Vec<Qty>, Vec<Qty>, Qty) {
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    let mut rows = Vec::with_capacity(cells.len());
    let mut cols = vec![Qty::ZERO; width];
    let mut total = Qty::ZERO;
    for row in cells {
        let mut sum = Qty::ZERO;
        for (c, q) in row.iter().enumerate() {
            sum = add(sum, *q);
            cols[c] = add(cols[c], *q);
        }
        total = add(total, sum);
        rows.push(sum);
    }
    (rows, cols, total)
}

/// An empty grid for `item` with the default axes and these fixed values.
pub fn blank_grid(item: &OrderItem, fixed: &Variant) -> Option<GridView> {
    let (rows_attr, cols_attr, _) = default_axes(&item.attributes)?;
    let values = |name: &str| {
        item.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.values.clone())
            .unwrap_or_default()
    };
    let rows = rows_attr
        .as_deref()
        .map(values)
        .unwrap_or_else(|| vec![String::new()]);
    let cols = values(&cols_attr);
    let cells = vec![vec![Qty::ZERO; cols.len()]; rows.len()];
    let (row_totals, col_totals, total) = grid_totals(&cells);
    Some(GridView {
        item_id: item.id,
        item_code: item.code.clone(),
        rows_attribute: rows_attr.unwrap_or_default(),
        cols_attribute: cols_attr,
        fixed: fixed.key(),
        rows,
        cols,
        cells,
        row_totals,
        col_totals,
        total,
    })
}

/// The grids of `item`'s lines: one per combination of its fixed attributes
/// present in the lines, rows and columns in the item's own order (a value
/// the item no longer allows, still on an old line, is added at the end so
/// nothing ordered is hidden). Empty for an item without attributes.
pub fn grid_view(lines: &[OrderLine], item: &OrderItem) -> Vec<GridView> {
    let Some((rows_attr, cols_attr, fixed_names)) = default_axes(&item.attributes) else {
        return vec![];
    };
    let mut groups: BTreeMap<String, (Variant, Vec<(Variant, Qty)>)> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.item_id == item.id) {
        let Ok(v) = Variant::parse_key("variant_key", &l.variant_key) else {
            continue;
        };
        let fixed = Variant(
            v.0.iter()
                .filter(|(k, _)| fixed_names.contains(k))
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect(),
        );
        groups
            .entry(fixed.key())
            .or_insert_with(|| (fixed, vec![]))
            .1
            .push((v, l.qty));
    }
    let mut out = Vec::new();
    for (_, (fixed, entries)) in groups {
        let Some(mut g) = blank_grid(item, &fixed) else {
            continue;
        };
        for (v, q) in entries {
            let row = rows_attr
                .as_deref()
                .and_then(|r| v.get(r))
                .unwrap_or("")
                .to_string();
            let col = v.get(&cols_attr).unwrap_or("").to_string();
            let r = match g.rows.iter().position(|x| *x == row) {
                Some(r) => r,
                None => {
                    g.rows.push(row);
                    g.cells.push(vec![Qty::ZERO; g.cols.len()]);
                    g.rows.len() - 1
                }
            };
            let c = match g.cols.iter().position(|x| *x == col) {
                Some(c) => c,
                None => {
                    g.cols.push(col);
                    for row in g.cells.iter_mut() {
                        row.push(Qty::ZERO);
                    }
                    g.cols.len() - 1
                }
            };
            g.cells[r][c] = add(g.cells[r][c], q);
        }
        (g.row_totals, g.col_totals, g.total) = grid_totals(&g.cells);
        out.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::tests_input::bear;

    fn line(item_id: i64, key: &str, qty: i64) -> OrderLine {
        OrderLine {
            id: 0,
            line_no: 0,
            item_id,
            item_code: String::new(),
            item_name: String::new(),
            unit: "EA".into(),
            variant_key: key.into(),
            qty: Qty::from_int(qty).unwrap(),
            unit_price_minor: 0,
            amount_minor: 0,
            due_date: None,
            bom_id: None,
            bom_version: None,
            note: String::new(),
        }
    }

    fn q(n: i64) -> Qty {
        Qty::from_int(n).unwrap()
    }

    #[test]
    fn sizes_across_colours_down_with_totals() {
        let lines = vec![
            line(7, "colour=red;size=S", 10),
            line(7, "colour=blue;size=M", 4),
            line(7, "colour=blue;size=XL", 2),
            line(8, "colour=red;size=S", 99),
        ];
        let g = grid_view(&lines, &bear());
        assert_eq!(g.len(), 1);
        let g = &g[0];
        assert_eq!(
            (g.rows_attribute.as_str(), g.cols_attribute.as_str()),
            ("colour", "size")
        );
        assert_eq!(g.rows, vec!["red", "blue"]);
        assert_eq!(g.cols, vec!["S", "M", "L", "XL"]);
        assert_eq!(g.cells[0], vec![q(10), q(0), q(0), q(0)]);
        assert_eq!(g.cells[1], vec![q(0), q(4), q(0), q(2)]);
        assert_eq!(g.row_totals, vec![q(10), q(6)]);
        assert_eq!(g.col_totals, vec![q(10), q(4), q(0), q(2)]);
        assert_eq!(g.total, q(16));
    }

    #[test]
    fn axes_follow_the_names_then_the_order() {
        let mut item = bear();
        assert_eq!(
            default_axes(&item.attributes),
            Some((Some("colour".into()), "size".into(), vec![]))
        );
        item.attributes.reverse();
        item.attributes.push(Attribute {
            name: "fill".into(),
            values: vec!["down".into()],
        });
        assert_eq!(
            default_axes(&item.attributes),
            Some((Some("colour".into()), "size".into(), vec!["fill".into()]))
        );
        item.attributes.truncate(1);
        assert_eq!(
            default_axes(&item.attributes),
            Some((None, "colour".into(), vec![]))
        );
        assert_eq!(default_axes(&[]), None);
    }

    #[test]
    fn a_value_no_longer_allowed_still_shows() {
        let g = grid_view(&[line(7, "colour=green;size=S", 3)], &bear());
        assert_eq!(g[0].rows, vec!["red", "blue", "green"]);
        assert_eq!(g[0].row_totals[2], q(3));
        assert_eq!(g[0].total, q(3));
    }
}
