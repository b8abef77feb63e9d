//! The test plant: teddy bear style T-100 in sizes S/M/L and colours
//! brown/white, with an embroidered nose sub-assembly.

use super::catalog::{ItemInfo, MemCatalog, WorkCentreInfo};
use super::model::*;
use crate::master::{Attribute, Design, EmbroideryMachine, ItemKind, Qty, Variant};
use std::collections::BTreeMap;

pub fn q(s: &str) -> Qty {
    Qty::parse("q", s).unwrap()
}

pub fn v(key: &str) -> Variant {
    Variant::parse_key("variant", key).unwrap()
}

fn attr(name: &str, values: &[&str]) -> Attribute {
    Attribute {
        name: name.into(),
        values: values.iter().map(|s| s.to_string()).collect(),
    }
}

pub fn item(kind: ItemKind, unit: &str, cost: i64, attributes: Vec<Attribute>) -> ItemInfo {
    ItemInfo {
        kind,
        attributes,
        archived: false,
        unit: unit.into(),
        standard_cost_minor: cost,
    }
}

pub fn fixed(
    line_no: u32,
    component: &str,
    qty: &str,
    scrap_bp: u32,
    attrs: Vec<AttrRule>,
) -> BomLine {
    BomLine {
        line_no,
        component: component.into(),
        qty: QtyRule::Fixed { qty: q(qty) },
        scrap_bp,
        attrs,
    }
}

pub fn by_size(
    line_no: u32,
    component: &str,
    s: &str,
    m: &str,
    l: &str,
    scrap_bp: u32,
    attrs: Vec<AttrRule>,
) -> BomLine {
    let values = [("S", s), ("M", m), ("L", l)]
        .into_iter()
        .map(|(k, x)| (k.to_string(), q(x)))
        .collect();
    BomLine {
        line_no,
        component: component.into(),
        qty: QtyRule::ByAttribute {
            attribute: "size".into(),
            values,
            default: None,
        },
        scrap_bp,
        attrs,
    }
}

pub fn follow(a: &str) -> AttrRule {
    AttrRule {
        component_attribute: a.into(),
        source: AttrSource::Follow {
            parent_attribute: a.into(),
        },
    }
}

pub fn per_unit(seq: u32, wc: &str, setup: &str, run: &str) -> Operation {
    Operation {
        seq,
        work_centre: wc.into(),
        setup_minutes: q(setup),
        run: RunTime::PerUnit { minutes: q(run) },
    }
}

pub fn teddy_bom() -> Bom {
    Bom {
        item: "T-100".into(),
        version: 1,
        lines: vec![
            by_size(
                10,
                "FAB-PLUSH",
                "0.35",
                "0.5",
                "0.75",
                1000,
                vec![follow("colour")],
            ),
            by_size(20, "STUFF-PE", "0.08", "0.12", "0.18", 0, vec![]),
            fixed(
                30,
                "EYE-12",
                "2",
                0,
                vec![AttrRule {
                    component_attribute: "colour".into(),
                    source: AttrSource::Fixed {
                        value: "black".into(),
                    },
                }],
            ),
            fixed(40, "NOSE-ASSY", "1", 0, vec![follow("colour")]),
        ],
        operations: vec![
            per_unit(10, "CUT-01", "15", "2.5"),
            per_unit(20, "SEW-01", "10", "12"),
            per_unit(30, "STUFF-01", "0", "3"),
        ],
        overrides: vec![],
    }
}

pub fn nose_bom() -> Bom {
    Bom {
        item: "NOSE-ASSY".into(),
        version: 1,
        lines: vec![
            fixed(1, "NOSE-FELT", "1", 500, vec![]),
            fixed(2, "THREAD-BLK", "3.5", 0, vec![]),
        ],
        operations: vec![Operation {
            seq: 10,
            work_centre: "EMB-01".into(),
            setup_minutes: q("5"),
            run: RunTime::Embroidery {
                design: "NOSE-D1".into(),
            },
        }],
        // A white bear gets a brown nose.
        overrides: vec![VariantOverride {
            when: v("colour=white"),
            change: Change::Replace {
                line_no: 2,
                line: fixed(2, "THREAD-BRN", "3.5", 0, vec![]),
            },
        }],
    }
}

pub fn plant() -> MemCatalog {
    use ItemKind::*;
    let colours = || attr("colour", &["brown", "white"]);
    let items: BTreeMap<String, ItemInfo> = [
        (
            "T-100",
            item(
                Finished,
                "EA",
                0,
                vec![attr("size", &["S", "M", "L"]), colours()],
            ),
        ),
        ("FAB-PLUSH", item(Raw, "M", 850, vec![colours()])),
        ("STUFF-PE", item(Raw, "KG", 400, vec![])),
        (
            "EYE-12",
            item(Raw, "EA", 15, vec![attr("colour", &["black", "blue"])]),
        ),
        ("NOSE-ASSY", item(Component, "EA", 0, vec![colours()])),
        ("NOSE-FELT", item(Raw, "EA", 10, vec![])),
        ("THREAD-BLK", item(Raw, "M", 2, vec![])),
        ("THREAD-BRN", item(Raw, "M", 3, vec![])),
    ]
    .into_iter()
    .map(|(k, i)| (k.to_string(), i))
    .collect();
    let wc = |rate, kind: &str| WorkCentreInfo {
        archived: false,
        labour_rate_minor_per_hour: rate,
        kind: kind.into(),
    };
    let mut c = MemCatalog {
        items: items.into_iter().collect(),
        work_centres: [
            ("CUT-01", wc(3000, "CUTTING")),
            ("SEW-01", wc(2400, "SEWING")),
            ("STUFF-01", wc(2000, "STUFFING")),
            ("EMB-01", wc(3600, "EMBROIDERY")),
        ]
        .into_iter()
        .map(|(k, w)| (k.to_string(), w))
        .collect(),
        designs: [(
            "NOSE-D1".to_string(),
            Design {
                code: "NOSE-D1".into(),
                stitch_count: 1200,
                colour_changes: 1,
                thread_colours: vec!["black".into()],
                hoop: "H-5X5".into(),
            },
        )]
        .into_iter()
        .collect(),
        machines: [(
            "EMB-01".to_string(),
            EmbroideryMachine {
                stitches_per_minute: 800,
                heads: 6,
            },
        )]
        .into_iter()
        .collect(),
        minutes_per_colour_change: q("0.5"),
        ..Default::default()
    };
    c.add_bom(teddy_bom());
    c.add_bom(nose_bom());
    c
}
