//! The teddy bear worked by hand: explosion, cost, validation, where-used
//! and the BOM form.

use super::fixture::*;
use super::*;
use crate::error::AppError;
use crate::master::Qty;

fn find<'a>(n: &'a ExplosionNode, item: &str) -> &'a ExplosionNode {
    find_opt(n, item).expect(item)
}

fn find_opt<'a>(n: &'a ExplosionNode, item: &str) -> Option<&'a ExplosionNode> {
    if n.item == item {
        return Some(n);
    }
    n.children.iter().find_map(|c| find_opt(c, item))
}

#[test]
fn the_plant_is_valid() {
    let c = plant();
    assert_eq!(validate(&teddy_bom(), &c), vec![]);
    assert_eq!(validate(&nose_bom(), &c), vec![]);
    assert_eq!(issues_to_error(&[]), Ok(()));
}

#[test]
fn resolves_lines_for_a_variant() {
    let lines = resolve(&nose_bom(), &v("colour=white")).unwrap();
    assert_eq!(lines[1].component, "THREAD-BRN");
    let lines = resolve(&teddy_bom(), &v("colour=white;size=L")).unwrap();
    assert_eq!(lines[0].component_variant.key(), "colour=white");
    assert_eq!(lines[0].qty_per, q("0.75"));
    assert_eq!(lines[2].component_variant.key(), "colour=black");
}

#[test]
fn explodes_twenty_brown_medium_bears() {
    // By hand, for 20 × T-100 colour=brown;size=M:
    //   plush 20 × 0.5 = 10 m, +10 % scrap = 11 m (brown)
    //   stuffing 20 × 0.12 = 2.4 kg; eyes 20 × 2 = 40 (black); noses 20 (brown)
    //   per nose: felt 1 + 5 % → 21; thread 3.5 m → 70 m black
    //   routing: cut 15 + 2.5 × 20 = 65; sew 10 + 12 × 20 = 250; stuff 3 × 20 = 60
    //   embroidery: 20 noses on 6 heads = 4 runs × (1200/800 + 1 × 0.5) = 8, + 5 setup = 13
    let c = plant();
    let ex = explode(&c, "T-100", &v("size=M;colour=brown"), q("20")).unwrap();
    assert_eq!(ex.variant, "colour=brown;size=M");
    let r = &ex.root;
    assert_eq!((r.level, r.total_qty, r.made), (0, q("20"), true));
    let mins: Vec<_> = r
        .operations
        .iter()
        .map(|o| (o.work_centre.as_str(), o.total_minutes))
        .collect();
    assert_eq!(
        mins,
        vec![
            ("CUT-01", q("65")),
            ("SEW-01", q("250")),
            ("STUFF-01", q("60"))
        ]
    );
    let plush = find(r, "FAB-PLUSH");
    assert_eq!(
        (
            plush.variant.as_str(),
            plush.qty_per,
            plush.net_qty,
            plush.total_qty
        ),
        ("colour=brown", q("0.5"), q("10"), q("11"))
    );
    assert_eq!(
        (plush.unit.as_str(), plush.level, plush.line_no),
        ("M", 1, Some(10))
    );
    let nose = find(r, "NOSE-ASSY");
    assert_eq!(nose.operations[0].run_minutes, q("8"));
    assert_eq!(nose.operations[0].total_minutes, q("13"));
    let felt = find(r, "NOSE-FELT");
    assert_eq!(
        (felt.level, felt.net_qty, felt.total_qty),
        (2, q("20"), q("21"))
    );
    let reqs: Vec<_> = ex
        .requirements
        .iter()
        .map(|r| {
            (
                r.item.as_str(),
                r.variant.as_str(),
                r.total_qty.to_string(),
                r.unit.as_str(),
                r.made,
            )
        })
        .collect();
    assert_eq!(
        reqs,
        vec![
            ("EYE-12", "colour=black", "40".to_string(), "EA", false),
            ("FAB-PLUSH", "colour=brown", "11".to_string(), "M", false),
            ("NOSE-ASSY", "colour=brown", "20".to_string(), "EA", true),
            ("NOSE-FELT", "", "21".to_string(), "EA", false),
            ("STUFF-PE", "", "2.4".to_string(), "KG", false),
            ("THREAD-BLK", "", "70".to_string(), "M", false),
        ]
    );
}

#[test]
fn white_bears_get_the_brown_thread() {
    let ex = explode(&plant(), "T-100", &v("colour=white;size=L"), q("20")).unwrap();
    assert!(find_opt(&ex.root, "THREAD-BLK").is_none());
    assert_eq!(find(&ex.root, "THREAD-BRN").total_qty, q("70"));
    // 20 × 0.75 = 15 m, +10 % = 16.5 m of white plush.
    let plush = find(&ex.root, "FAB-PLUSH");
    assert_eq!(
        (plush.variant.as_str(), plush.total_qty),
        ("colour=white", q("16.5"))
    );
}

#[test]
fn costs_twenty_brown_medium_bears() {
    // Material: plush 11 × 850 = 9350 (scrap 1 m = 850), stuffing 2.4 × 400 = 960,
    // eyes 40 × 15 = 600, felt 21 × 10 = 210 (scrap 10), thread 70 × 2 = 140 → 11260.
    // Labour: cut 65 min × 30.00/h = 3250, sew 250 × 24.00/h = 10000,
    // stuff 60 × 20.00/h = 2000, embroider 13 × 36.00/h = 780 → 16030.
    // Total 27290; per bear 1364.5 → 1365.
    let cr = cost_rollup(&plant(), "T-100", &v("colour=brown;size=M"), q("20")).unwrap();
    assert_eq!(
        cr.total,
        CostFigures {
            material_minor: 11260,
            scrap_minor: 860,
            labour_minor: 16030,
            total_minor: 27290
        }
    );
    assert_eq!(
        cr.per_unit,
        CostFigures {
            material_minor: 563,
            scrap_minor: 43,
            labour_minor: 802,
            total_minor: 1365
        }
    );
    let levels: Vec<_> = cr
        .levels
        .iter()
        .map(|l| {
            (
                l.level,
                l.cost.material_minor,
                l.cost.labour_minor,
                l.cost.total_minor,
            )
        })
        .collect();
    assert_eq!(
        levels,
        vec![
            (0, 0, 15250, 15250),
            (1, 10910, 780, 11690),
            (2, 350, 0, 350)
        ]
    );
    assert_eq!(cr.lines[0].item, "T-100");
    assert_eq!(cr.lines.len(), 7);
    let plush = cr.lines.iter().find(|l| l.item == "FAB-PLUSH").unwrap();
    assert_eq!(
        (plush.cost.material_minor, plush.cost.scrap_minor),
        (9350, 850)
    );
    // One white bear: 4 runs become 1 run of embroidery (2 min) — batching matters.
    let one = cost_rollup(&plant(), "T-100", &v("colour=white;size=S"), q("1")).unwrap();
    // plush 0.35 × 1.1 = 0.385 m × 850 = 327.25 → 327; stuffing 0.08 × 400 = 32; eyes 30;
    // felt 1.05 × 10 = 10.5 → 11; brown thread 3.5 × 3 = 10.5 → 11 → material 411.
    // Scrap: plush 327 − 0.35 × 850 (297.5 → 298) = 29; felt 11 − 10 = 1 → 30.
    // Labour: cut 17.5 × 50 = 875; sew 22 × 40 = 880; stuff 3 × 2000/60 = 100; emb 7 × 60 = 420.
    assert_eq!(
        one.total,
        CostFigures {
            material_minor: 411,
            scrap_minor: 30,
            labour_minor: 2275,
            total_minor: 2686
        }
    );
}

#[test]
fn cycles_are_refused_with_their_path() {
    let mut c = plant();
    let mut nose = nose_bom();
    nose.lines.push(fixed(3, "T-100", "1", 0, vec![]));
    c.add_bom(nose);
    let issues = validate(&teddy_bom(), &c);
    let cycle = issues
        .iter()
        .find(|i| i.kind == IssueKind::Cycle)
        .expect("a cycle");
    assert_eq!(
        cycle.message,
        "the bill of materials loops: T-100 → NOSE-ASSY → T-100"
    );
    assert_eq!(
        (cycle.line, cycle.field.as_str()),
        (Some(40), "lines[3].component")
    );

    // Three levels: the black thread made from a bear.
    let mut c = plant();
    c.add_bom(Bom {
        item: "THREAD-BLK".into(),
        version: 1,
        lines: vec![fixed(1, "T-100", "1", 0, vec![])],
        operations: vec![],
        overrides: vec![],
    });
    let issues = validate(&teddy_bom(), &c);
    let cycles: Vec<_> = issues
        .iter()
        .filter(|i| i.kind == IssueKind::Cycle)
        .map(|i| i.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        vec!["the bill of materials loops: T-100 → NOSE-ASSY → THREAD-BLK → T-100"]
    );
    let err = explode(&c, "T-100", &v("colour=brown;size=M"), q("1")).unwrap_err();
    assert_eq!(
        err,
        AppError::conflict("the bill of materials loops: T-100 → NOSE-ASSY → THREAD-BLK → T-100")
    );

    let mut own = teddy_bom();
    own.lines.push(fixed(50, "T-100", "1", 0, vec![]));
    let issues = validate(&own, &plant());
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].kind, IssueKind::SelfComponent);
}

#[test]
fn validation_lists_every_problem() {
    let mut c = plant();
    c.items.get_mut("EYE-12").unwrap().archived = true;
    c.work_centres.get_mut("SEW-01").unwrap().archived = true;
    let mut b = teddy_bom();
    b.lines[0].scrap_bp = 10_001;
    b.lines[0].attrs[0] = AttrRule {
        component_attribute: "colour".into(),
        source: AttrSource::Follow {
            parent_attribute: "fur".into(),
        },
    };
    if let QtyRule::ByAttribute { values, .. } = &mut b.lines[1].qty {
        values.remove("L");
        values.insert("XL".into(), q("0.2"));
        values.insert("M".into(), q("0"));
    }
    b.lines.push(fixed(40, "GLUE", "1", 0, vec![]));
    b.operations.push(per_unit(20, "PACK-01", "-1", "1"));
    b.operations.push(Operation {
        seq: 40,
        work_centre: "SEW-01".into(),
        setup_minutes: q("0"),
        run: RunTime::Embroidery {
            design: "NOPE".into(),
        },
    });
    b.overrides.push(VariantOverride {
        when: v("colour=green"),
        change: Change::Remove { line_no: 99 },
    });
    let issues = validate(&b, &c);
    let got: Vec<_> = issues.iter().map(|i| (i.kind, i.field.as_str())).collect();
    use IssueKind::*;
    assert_eq!(
        got,
        vec![
            (DuplicateLine, "lines[4].line_no"),
            (ScrapOutOfRange, "lines[0].scrap_bp"),
            (AttributeValue, "lines[0].attrs[0].source.parent_attribute"),
            (NonPositiveQty, "lines[1].qty.values.M"),
            (AttributeValue, "lines[1].qty.values.XL"),
            (MissingQty, "lines[1].qty.values"),
            (ArchivedItem, "lines[2].component"),
            (MissingItem, "lines[4].component"),
            (AttributeValue, "overrides[0].when.colour"),
            (MissingLine, "overrides[0].change.line_no"),
            (ArchivedWorkCentre, "operations[1].work_centre"),
            (DuplicateOperation, "operations[3].seq"),
            (MissingWorkCentre, "operations[3].work_centre"),
            (NegativeMinutes, "operations[3].setup_minutes"),
            (ArchivedWorkCentre, "operations[4].work_centre"),
            (UnknownDesign, "operations[4].run.design"),
            (NoEmbroideryMachine, "operations[4].work_centre"),
        ]
    );
    assert_eq!(issues[2].message, "T-100 has no attribute fur to follow");
    assert_eq!(issues[4].message, "T-100 has no size XL");
    assert_eq!(issues[5].message, "give a quantity for size L or a default");
    assert_eq!(issues[5].line, Some(20));
    assert_eq!(issues[10].operation, Some(20));
    assert_eq!(
        issues_to_error(&issues),
        Err(AppError::field(
            "lines[4].line_no",
            "line 40 is listed twice"
        ))
    );
}

#[test]
fn components_must_allow_what_they_follow() {
    let mut c = plant();
    c.items.get_mut("FAB-PLUSH").unwrap().attributes[0].values = vec!["brown".into()];
    let issues = validate(&teddy_bom(), &c);
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].message,
        "FAB-PLUSH has no colour white, which T-100 colour can be"
    );
    let mut b = teddy_bom();
    b.lines[3].attrs.clear();
    let issues = validate(&b, &plant());
    assert_eq!(
        (issues[0].kind, issues[0].message.as_str()),
        (
            IssueKind::AttributeRule,
            "say how NOSE-ASSY's colour is chosen"
        )
    );
}

#[test]
fn explosion_refuses_bad_requests() {
    let c = plant();
    assert_eq!(
        explode(&c, "T-999", &v(""), q("1")).unwrap_err().status(),
        404
    );
    let e = explode(&c, "T-100", &v("colour=brown"), q("1")).unwrap_err();
    assert_eq!(e, AppError::field("variant", "choose a size"));
    assert_eq!(
        explode(&c, "T-100", &v("colour=brown;size=M"), q("0"))
            .unwrap_err()
            .field_error()
            .unwrap()
            .field,
        "qty"
    );
    let huge = explode(
        &c,
        "T-100",
        &v("colour=brown;size=M"),
        Qty::from_millionths(i64::MAX / 2),
    )
    .unwrap_err();
    assert_eq!(huge.field_error().unwrap().field, "qty");
}
