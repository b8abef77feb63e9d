//! Where-used: every BOM that uses a component, directly or through
//! sub-assemblies, so a change to a fabric shows every style it touches.

use super::model::Bom;
use super::wire::{Usage, WhereUsed};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;

/// One fact of the component index: version `version` of `parent`'s BOM
/// names `component` (in a line or an override's line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseEdge<'a> {
    pub parent: &'a str,
    pub version: u32,
    pub component: &'a str,
}

/// Where-used over whole BOMs (pass the current versions): see
/// [`where_used_edges`].
pub fn where_used(boms: &[Bom], component: &str) -> WhereUsed {
    let edges: Vec<UseEdge> = boms
        .iter()
        .flat_map(|b| {
            b.component_codes().into_iter().map(|c| UseEdge {
                parent: &b.item,
                version: b.version,
                component: c,
            })
        })
        .collect();
    where_used_edges(&edges, component)
}

/// Every BOM version among `edges` that uses `component`, and every BOM
/// above those, level by level (1 = direct). The edges need only be those
/// whose component is `component` or one of its users (the service reads
/// just those from the index). Each parent BOM appears once, at its
/// shortest path; loops end. Sorted by level, then item, then version.
pub fn where_used_edges(edges: &[UseEdge], component: &str) -> WhereUsed {
    let mut parents_of: FxHashMap<&str, Vec<(&str, u32)>> = FxHashMap::default();
    for e in edges {
        parents_of
            .entry(e.component)
            .or_default()
            .push((e.parent, e.version));
    }
    for ps in parents_of.values_mut() {
        // The index comes in no particular order; the answer must not.
        ps.sort_unstable();
        ps.dedup();
    }
    let mut uses = Vec::new();
    let mut listed: FxHashSet<(&str, u32)> = FxHashSet::default();
    let mut expanded: FxHashSet<&str> = FxHashSet::from_iter([component]);
    let mut queue = VecDeque::from([(component, vec![component.to_string()], 0u32)]);
    while let Some((cur, path, level)) = queue.pop_front() {
        for &(parent, version) in parents_of.get(cur).into_iter().flatten() {
            if parent == component || !listed.insert((parent, version)) {
                continue;
            }
            let mut p = Vec::with_capacity(path.len() + 1);
            p.push(parent.to_string());
            p.extend(path.iter().cloned());
            if expanded.insert(parent) {
                queue.push_back((parent, p.clone(), level + 1));
            }
            uses.push(Usage {
                item: parent.to_string(),
                bom_version: version,
                level: level + 1,
                path: p,
            });
        }
    }
    uses.sort_by(|a, b| (a.level, &a.item, a.bom_version).cmp(&(b.level, &b.item, b.bom_version)));
    WhereUsed {
        component: component.to_string(),
        uses,
    }
}
