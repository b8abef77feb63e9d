//! Embroidery changeover sequencing: the order to run a machine's jobs in
//! so that as little time as possible goes on re-threading and re-hooping.
//!
//! Going from one job to the next costs `minutes_per_colour_change` for
//! every thread colour the next job uses that the previous one did not
//! (those must be loaded; colours already on the machine stay), plus
//! `minutes_per_hoop_change` if the hoop differs. The first job starts from
//! an empty machine: all its colours are loaded and its hoop is fitted.
//! Colours and hoops are compared as the codes are written (master data
//! has already normalised them).
//!
//! Finding the best order is a travelling-salesman problem, so this is a
//! heuristic: a nearest-neighbour tour from every possible first job (ties
//! to the job given first), the best of them improved by moving single
//! jobs elsewhere and reversing runs of jobs while that saves time. The
//! result is never worse than the order given: if it is no better, the
//! given order is returned unchanged (so a floor already running to plan
//! is not reshuffled for nothing). It is deterministic.

use serde::{Deserialize, Serialize};

/// A job waiting for an embroidery machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbJob {
    pub id: i64,
    pub hoop: String,
    /// Thread colour codes the design uses.
    pub colours: Vec<String>,
}

/// A run order and what it saves against the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sequence {
    /// Job ids in the order to run them.
    pub order: Vec<i64>,
    /// Changeover minutes in the order given.
    pub minutes_before: u32,
    /// Changeover minutes in `order`.
    pub minutes_after: u32,
    /// `minutes_before − minutes_after`.
    pub saved: u32,
}

/// Starting points tried for nearest-neighbour tours; beyond this many
/// jobs only the first ones given are tried, to bound the time taken.
const MAX_STARTS: usize = 128;
/// Improvement moves made at most.
const MAX_MOVES: usize = 1_000;

/// The run order for `jobs`; see the module docs.
pub fn sequence(
    jobs: &[EmbJob],
    minutes_per_colour_change: u32,
    minutes_per_hoop_change: u32,
) -> Sequence {
    let costs = Costs::new(jobs, minutes_per_colour_change, minutes_per_hoop_change);
    let given: Vec<usize> = (0..jobs.len()).collect();
    let before = costs.total(&given);
    let mut best: Option<(u64, Vec<usize>)> = None;
    for s in 0..jobs.len().min(MAX_STARTS) {
        let tour = costs.nearest_neighbour(s);
        let t = costs.total(&tour);
        if best.as_ref().is_none_or(|(b, _)| t < *b) {
            best = Some((t, tour));
        }
    }
    let (mut after, mut order) = best.unwrap_or((0, vec![]));
    costs.improve(&mut order);
    after = after.min(costs.total(&order));
    if after >= before {
        (after, order) = (before, given);
    }
    let clamp = |m: u64| m.min(u32::MAX as u64) as u32;
    Sequence {
        order: order.iter().map(|&i| jobs[i].id).collect(),
        minutes_before: clamp(before),
        minutes_after: clamp(after),
        saved: clamp(before - after),
    }
}

/// Changeover minutes between jobs, by index; index `n` is the empty machine.
struct Costs {
    n: usize,
    m: Vec<u64>,
}

impl Costs {
    fn new(jobs: &[EmbJob], per_colour: u32, per_hoop: u32) -> Costs {
        let n = jobs.len();
        let sets: Vec<Vec<&str>> = jobs
            .iter()
            .map(|j| {
                let mut c: Vec<&str> = j.colours.iter().map(String::as_str).collect();
                c.sort_unstable();
                c.dedup();
                c
            })
            .collect();
        let mut m = vec![0u64; (n + 1) * n];
        for a in 0..=n {
            for b in 0..n {
                let (new, hoop) = if a == n {
                    (sets[b].len(), true)
                } else {
                    let new = sets[b]
                        .iter()
                        .filter(|c| sets[a].binary_search(c).is_err())
                        .count();
                    (new, jobs[a].hoop != jobs[b].hoop)
                };
                m[a * n + b] =
                    new as u64 * per_colour as u64 + if hoop { per_hoop as u64 } else { 0 };
            }
        }
        Costs { n, m }
    }

    /// From `a` (`None`: the empty machine) to `b` (`None`: nothing follows).
    fn c(&self, a: Option<usize>, b: Option<usize>) -> u64 {
        match b {
            None => 0,
            Some(b) => self.m[a.unwrap_or(self.n) * self.n + b],
        }
    }

    fn total(&self, order: &[usize]) -> u64 {
        let mut prev = None;
        let mut t = 0;
        for &x in order {
            t += self.c(prev, Some(x));
            prev = Some(x);
        }
        t
    }

    fn nearest_neighbour(&self, start: usize) -> Vec<usize> {
        let mut left = vec![true; self.n];
        let mut tour = Vec::with_capacity(self.n);
        let mut at = start;
        left[at] = false;
        tour.push(at);
        while tour.len() < self.n {
            let next = (0..self.n)
                .filter(|&j| left[j])
                .min_by_key(|&j| (self.c(Some(at), Some(j)), j))
                .expect("jobs left");
            left[next] = false;
            tour.push(next);
            at = next;
        }
        tour
    }

    /// Makes the best saving move (one job moved elsewhere, or a run of
    /// jobs reversed) while there is one.
    fn improve(&self, p: &mut Vec<usize>) {
        let n = p.len();
        let at = |p: &[usize], i: usize| p.get(i).copied();
        let before = |p: &[usize], i: usize| if i == 0 { None } else { Some(p[i - 1]) };
        for _ in 0..MAX_MOVES {
            // (saving, move): move = (kind, i, j); kind 0 relocates i to j,
            // kind 1 reverses i..=j.
            let mut best: (i64, (u8, usize, usize)) = (0, (0, 0, 0));
            for i in 0..n {
                let x = p[i];
                let (u, v) = (before(p, i), at(p, i + 1));
                let removed =
                    self.c(u, Some(x)) as i64 + self.c(Some(x), v) as i64 - self.c(u, v) as i64;
                // Insert before what is at position j of the list without x.
                let without = |k: usize| if k < i { at(p, k) } else { at(p, k + 1) };
                for j in 0..n {
                    if j == i {
                        continue;
                    }
                    let (a, b) = (if j == 0 { None } else { without(j - 1) }, without(j));
                    let added =
                        self.c(a, Some(x)) as i64 + self.c(Some(x), b) as i64 - self.c(a, b) as i64;
                    let saving = removed - added;
                    if saving > best.0 {
                        best = (saving, (0, i, j));
                    }
                }
                let (mut fwd, mut rev) = (0i64, 0i64);
                for j in i + 1..n {
                    fwd += self.c(Some(p[j - 1]), Some(p[j])) as i64;
                    rev += self.c(Some(p[j]), Some(p[j - 1])) as i64;
                    let w = at(p, j + 1);
                    let old = self.c(u, Some(x)) as i64 + fwd + self.c(Some(p[j]), w) as i64;
                    let new = self.c(u, Some(p[j])) as i64 + rev + self.c(Some(x), w) as i64;
                    if old - new > best.0 {
                        best = (old - new, (1, i, j));
                    }
                }
            }
            match best {
                (0, _) => return,
                (_, (0, i, j)) => {
                    let x = p.remove(i);
                    p.insert(j, x);
                }
                (_, (_, i, j)) => p[i..=j].reverse(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn job(id: i64, hoop: &str, colours: &[&str]) -> EmbJob {
        EmbJob {
            id,
            hoop: hoop.into(),
            colours: colours.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn grouping_hoops_and_colours_saves_minutes() {
        // 2 minutes a colour, 10 a hoop.
        let jobs = vec![
            job(1, "H-A", &["red", "blue"]),
            job(2, "H-B", &["green"]),
            job(3, "H-A", &["red", "blue", "white"]),
            job(4, "H-B", &["green", "black"]),
        ];
        // As given: 1 from empty 2×2+10 = 14; 1→2 hoop+green 12;
        // 2→3 hoop+red,blue,white 16; 3→4 hoop+green,black 14: 56.
        // Grouped: 1 (14) → 3 white (2) → 2 hoop+green (12) → 4 black (2): 30.
        let s = sequence(&jobs, 2, 10);
        assert_eq!(s.minutes_before, 56);
        assert_eq!(s.minutes_after, 30);
        assert_eq!(s.saved, 26);
        assert_eq!(s.saved, s.minutes_before - s.minutes_after);
        // Every first job ties at 30; the first tried (job 1) is kept.
        assert_eq!(s.order, vec![1, 3, 2, 4]);
    }

    #[test]
    fn an_order_that_is_already_best_is_kept() {
        let jobs = vec![
            job(7, "H-A", &["red"]),
            job(8, "H-A", &["red", "red"]),
            job(9, "H-B", &["red"]),
        ];
        let s = sequence(&jobs, 3, 10);
        // 7: 3+10; 8: nothing new (a colour once); 9: hoop 10.
        assert_eq!((s.minutes_before, s.minutes_after, s.saved), (23, 23, 0));
        assert_eq!(s.order, vec![7, 8, 9]);
        assert_eq!(sequence(&[], 3, 10).order, Vec::<i64>::new());
    }

    fn jobs_strategy() -> impl Strategy<Value = Vec<EmbJob>> {
        let one = (0usize..3, prop::collection::vec(0usize..6, 0..4));
        prop::collection::vec(one, 0..9).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (h, cs))| EmbJob {
                    id: 100 + i as i64,
                    hoop: format!("H{h}"),
                    colours: cs.into_iter().map(|c| format!("C{c}")).collect(),
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn never_worse_than_given_and_honest(jobs in jobs_strategy(), pc in 0u32..5, ph in 0u32..20) {
            let s = sequence(&jobs, pc, ph);
            prop_assert!(s.minutes_after <= s.minutes_before);
            prop_assert_eq!(s.saved, s.minutes_before - s.minutes_after);
            let mut ids = s.order.clone();
            ids.sort_unstable();
            prop_assert_eq!(ids, jobs.iter().map(|j| j.id).collect::<Vec<_>>());
            // minutes_after is the cost of the order returned.
            let costs = Costs::new(&jobs, pc, ph);
            let idx: Vec<usize> = s.order.iter().map(|id| (id - 100) as usize).collect();
            prop_assert_eq!(costs.total(&idx), s.minutes_after as u64);
            prop_assert_eq!(sequence(&jobs, pc, ph), s);
        }
    }
}
