//! Where-used: every BOM that uses a component, directly or through
//! sub-assemblies, so a change to a fabric shows every style it touches.

use super::model::Bom;
use super::wire::{Usage, WhereUsed};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Every BOM in `boms` (pass the current versions) whose lines or override
/// lines use `component`, and every BOM above those, level by level (1 =
/// direct). Each parent BOM appears once, at its shortest path; loops end.
/// Sorted by level, then item, then version.
pub fn where_used(boms: &[Bom], component: &str) -> WhereUsed {
    let mut parents_of: BTreeMap<&str, Vec<&Bom>> = BTreeMap::new();
    for b in boms {
        for c in b.component_codes() {
            parents_of.entry(c).or_default().push(b);
        }
    }
    let mut uses = Vec::new();
    let mut listed: BTreeSet<(&str, u32)> = BTreeSet::new();
    let mut expanded: BTreeSet<&str> = BTreeSet::from([component]);
    let mut queue = VecDeque::from([(component, vec![component.to_string()], 0u32)]);
    while let Some((cur, path, level)) = queue.pop_front() {
        for b in parents_of.get(cur).into_iter().flatten() {
            if !listed.insert((b.item.as_str(), b.version)) || b.item == component {
                continue;
            }
            let mut p = Vec::with_capacity(path.len() + 1);
            p.push(b.item.clone());
            p.extend(path.iter().cloned());
            uses.push(Usage {
                item: b.item.clone(),
                bom_version: b.version,
                level: level + 1,
                path: p.clone(),
            });
            if expanded.insert(b.item.as_str()) {
                queue.push_back((b.item.as_str(), p, level + 1));
            }
        }
    }
    uses.sort_by(|a, b| (a.level, &a.item, a.bom_version).cmp(&(b.level, &b.item, b.bom_version)));
    WhereUsed {
        component: component.to_string(),
        uses,
    }
}
