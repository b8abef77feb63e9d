//! Loops in the component graph: a style that (through any depth of
//! sub-assemblies) needs itself can never be made.

use super::catalog::{Catalog, WithBom};
use super::model::Bom;
use super::validate::{Issues, MAX_DEPTH};
use super::wire::IssueKind;
use std::collections::BTreeSet;

/// The first loop reachable from `item` with `path` above it, as the full
/// path from the top (`A → B → C → A`); `done` holds items known loop-free.
fn find_cycle(
    catalog: &dyn Catalog,
    item: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Result<(), Vec<String>> {
    if path.iter().any(|p| p == item) || path.len() > MAX_DEPTH {
        let mut c = path.clone();
        c.push(item.to_string());
        return Err(c);
    }
    if done.contains(item) {
        return Ok(());
    }
    path.push(item.to_string());
    if let Some(b) = catalog.bom_for(item) {
        for c in b.component_codes() {
            find_cycle(catalog, c, path, done)?;
        }
    }
    path.pop();
    done.insert(item.to_string());
    Ok(())
}

pub(super) fn check_cycles(out: &mut Issues, bom: &Bom, catalog: &dyn Catalog) {
    let cat = WithBom {
        inner: catalog,
        bom,
    };
    let mut done = BTreeSet::new();
    let mut tried = BTreeSet::new();
    for (path, line) in bom.all_lines() {
        if line.component == bom.item || !tried.insert(line.component.as_str()) {
            continue;
        }
        let mut stack = vec![bom.item.clone()];
        if let Err(c) = find_cycle(&cat, &line.component, &mut stack, &mut done) {
            let (last, above) = c.split_last().expect("a path has its item");
            let too_deep = !above.contains(last);
            let (kind, message) = if too_deep {
                (
                    IssueKind::TooDeep,
                    format!(
                        "more than {MAX_DEPTH} levels of components below {}",
                        bom.item
                    ),
                )
            } else {
                (
                    IssueKind::Cycle,
                    format!("the bill of materials loops: {}", c.join(" → ")),
                )
            };
            out.line(kind, line.line_no, format!("{path}.component"), message);
        }
    }
}
