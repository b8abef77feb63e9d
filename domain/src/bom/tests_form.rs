//! The teddy bear's where-used answers and the BOM form.

use super::fixture::*;
use super::*;

#[test]
fn where_used_reaches_through_two_levels() {
    let boms = [teddy_bom(), nose_bom()];
    let wu = where_used(&boms, "THREAD-BRN");
    let got: Vec<_> = wu
        .uses
        .iter()
        .map(|u| (u.item.as_str(), u.level, u.path.join(" → ")))
        .collect();
    assert_eq!(
        got,
        vec![
            ("NOSE-ASSY", 1, "NOSE-ASSY → THREAD-BRN".to_string()),
            ("T-100", 2, "T-100 → NOSE-ASSY → THREAD-BRN".to_string())
        ]
    );
    assert_eq!(where_used(&boms, "FAB-PLUSH").uses.len(), 1);
    assert!(where_used(&boms, "T-100").uses.is_empty());
    // A loop ends.
    let looped = [
        teddy_bom(),
        nose_bom(),
        Bom {
            item: "THREAD-BLK".into(),
            version: 1,
            lines: vec![fixed(1, "T-100", "1", 0, vec![])],
            operations: vec![],
            overrides: vec![],
        },
    ];
    let items: Vec<_> = where_used(&looped, "T-100")
        .uses
        .into_iter()
        .map(|u| (u.item, u.level))
        .collect();
    assert_eq!(
        items,
        vec![("THREAD-BLK".to_string(), 1), ("NOSE-ASSY".to_string(), 2)]
    );
}

#[test]
fn the_form_parses_into_the_bom() {
    let json = serde_json::to_value(teddy_bom()).unwrap();
    let input: BomInput = serde_json::from_value(json).unwrap();
    assert_eq!(input.parse().unwrap(), teddy_bom());
    let json = serde_json::to_string(&nose_bom()).unwrap();
    let input: BomInput = serde_json::from_str(&json).unwrap();
    assert_eq!(input.parse().unwrap(), nose_bom());
    assert!(
        json.contains(r#""qty":{"kind":"fixed","qty":"3.5"}"#),
        "{json}"
    );

    let field = |f: &dyn Fn(&mut BomInput)| {
        let mut i: BomInput =
            serde_json::from_value(serde_json::to_value(nose_bom()).unwrap()).unwrap();
        f(&mut i);
        i.parse().unwrap_err().field_error().unwrap().field.clone()
    };
    assert_eq!(
        field(&|i| i.lines[1].component = "thread blk".into()),
        "lines[1].component"
    );
    assert_eq!(
        field(&|i| i.lines[0].qty = QtyRuleInput::Fixed { qty: "1e2".into() }),
        "lines[0].qty"
    );
    assert_eq!(field(&|i| i.lines[0].line_no = 0), "lines[0].line_no");
    assert_eq!(
        field(&|i| i.operations[0].setup_minutes = "-5".into()),
        "operations[0].setup_minutes"
    );
    assert_eq!(field(&|i| i.version = 0), "version");
    assert_eq!(
        field(
            &|i| if let ChangeInput::Replace { line, .. } = &mut i.overrides[0].change {
                line.qty = QtyRuleInput::Fixed { qty: "0".into() }
            }
        ),
        "overrides[0].change.line.qty"
    );
    let by_attr = |values: &[(&str, &str)]| QtyRuleInput::ByAttribute {
        attribute: "size".into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        default: None,
    };
    assert_eq!(
        field(&|i| i.lines[0].qty = by_attr(&[("S", "0.08"), ("M", "x")])),
        "lines[0].qty.values.M"
    );
    assert_eq!(
        field(&|i| i.lines[0].qty = by_attr(&[])),
        "lines[0].qty.values"
    );
}
