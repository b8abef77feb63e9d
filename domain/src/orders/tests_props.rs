//! Property tests: the lifecycle never skips or leaves a final state, and a
//! grid stored as lines reads back as the same grid with consistent totals.

use super::tests_input::{bear, grid_line};
use super::*;
use crate::master::Qty;
use proptest::prelude::*;

fn transition() -> impl Strategy<Value = OrderTransition> {
    prop::sample::select(OrderTransition::ALL.to_vec())
}

proptest! {
    #[test]
    fn random_steps_follow_the_machine(steps in prop::collection::vec(transition(), 0..20)) {
        let mut s = OrderStatus::Draft;
        let mut reached_production = false;
        for t in steps {
            match t.apply(s) {
                Ok(next) => {
                    prop_assert!(!s.is_final(), "{s:?} is final");
                    prop_assert!(OrderTransition::available_from(s).contains(&t));
                    if next == OrderStatus::Cancelled {
                        prop_assert!(!reached_production, "cancelled after production began");
                    }
                    s = next;
                    reached_production |= s == OrderStatus::InProduction;
                }
                Err(e) => {
                    prop_assert_eq!(e.status(), 409);
                    prop_assert!(!OrderTransition::available_from(s).contains(&t));
                }
            }
        }
    }

    #[test]
    fn a_grid_reads_back_as_entered(cells in prop::collection::vec(0i64..50, 8)) {
        let item = bear();
        let (sizes, colours) = (["S", "M", "L", "XL"], ["red", "blue"]);
        let mut input = vec![];
        for (k, n) in cells.iter().enumerate() {
            input.push(GridCell {
                row: colours[k / 4].into(),
                col: sizes[k % 4].into(),
                qty: n.to_string(),
            });
        }
        let order = OrderInput {
            customer_id: 1,
            due_date: "2026-12-01".into(),
            lines: vec![grid_line(input)],
            ..Default::default()
        };
        let parsed = order.parse(|id| (id == item.id).then_some(&item));
        if cells.iter().all(|n| *n == 0) {
            prop_assert!(parsed.is_err());
            return Ok(());
        }
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.lines.len(), cells.iter().filter(|n| **n > 0).count());
        let stored: Vec<OrderLine> = parsed
            .lines
            .iter()
            .map(|l| OrderLine {
                id: 0,
                line_no: 0,
                item_id: l.item_id,
                item_code: String::new(),
                item_name: String::new(),
                unit: "EA".into(),
                variant_key: l.variant.key(),
                qty: l.qty,
                unit_price_minor: l.unit_price_minor,
                amount_minor: 0,
                due_date: None,
                bom_id: None,
                bom_version: None,
                note: String::new(),
            })
            .collect();
        let g = grid_view(&stored, &item);
        prop_assert_eq!(g.len(), 1);
        let g = &g[0];
        for (k, n) in cells.iter().enumerate() {
            prop_assert_eq!(g.cells[k / 4][k % 4], Qty::from_int(*n).unwrap());
        }
        let sum: i64 = cells.iter().sum();
        prop_assert_eq!(g.total, Qty::from_int(sum).unwrap());
        let rows: Qty = g.row_totals.iter().fold(Qty::ZERO, |a, b| a.checked_add(*b).unwrap());
        let cols: Qty = g.col_totals.iter().fold(Qty::ZERO, |a, b| a.checked_add(*b).unwrap());
        prop_assert_eq!(rows, g.total);
        prop_assert_eq!(cols, g.total);
    }
}
