//! The order jobs are planned in: every job after the jobs it waits for
//! (its `after` list), and among the jobs ready at the same point, the most
//! urgent first — lowest priority number, then earliest due date (none
//! last), then lowest id, so the same input always gives the same plan.

use super::schedule::JobReq;
use crate::error::AppError;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The jobs' precedence graph, by index into the job list.
#[derive(Debug)]
pub(crate) struct Graph {
    pub index: FxHashMap<i64, usize>,
    /// Jobs each one waits for (each once; outside ones left out).
    pub preds: Vec<Vec<usize>>,
    /// Jobs waiting for each one.
    pub succs: Vec<Vec<usize>>,
    /// The planning order: a topological order, ties by urgency.
    pub order: Vec<usize>,
}

impl Graph {
    /// The graph of `jobs`. An `after` id that is not a job is an error
    /// unless `outside(id)` says the caller knows it (work already planned);
    /// a duplicate id or a loop of jobs waiting for each other is an error
    /// naming a job in it.
    pub fn new(jobs: &[JobReq], outside: impl Fn(i64) -> bool) -> Result<Graph, AppError> {
        let n = jobs.len();
        let mut index = FxHashMap::default();
        index.reserve(n);
        for (i, j) in jobs.iter().enumerate() {
            if index.insert(j.id, i).is_some() {
                return Err(AppError::conflict(format!(
                    "job {} is in the plan twice",
                    j.id
                )));
            }
        }
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        for (i, j) in jobs.iter().enumerate() {
            for a in &j.after {
                match index.get(a) {
                    Some(&p) => {
                        if !preds[i].contains(&p) {
                            preds[i].push(p);
                            succs[p].push(i);
                        }
                    }
                    None if outside(*a) => {}
                    None => {
                        return Err(AppError::conflict(format!(
                            "job {} waits for job {a}, which is not in the plan",
                            j.id
                        )))
                    }
                }
            }
        }
        let key = |i: usize| {
            let j = &jobs[i];
            Reverse((j.priority, j.due.unwrap_or(i64::MAX), j.id, i))
        };
        let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
        let mut ready: BinaryHeap<_> = (0..n).filter(|&i| waiting[i] == 0).map(key).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse((.., i))) = ready.pop() {
            order.push(i);
            for &s in &succs[i] {
                waiting[s] -= 1;
                if waiting[s] == 0 {
                    ready.push(key(s));
                }
            }
        }
        if order.len() < n {
            return Err(loop_error(jobs, &preds, &waiting));
        }
        Ok(Graph {
            index,
            preds,
            succs,
            order,
        })
    }

    /// Every job that waits for job `k`, directly or through others.
    pub fn dependents(&self, k: usize) -> Vec<bool> {
        let mut seen = vec![false; self.succs.len()];
        let mut stack = vec![k];
        while let Some(i) = stack.pop() {
            for &s in &self.succs[i] {
                if !seen[s] {
                    seen[s] = true;
                    stack.push(s);
                }
            }
        }
        seen
    }
}

/// Names a loop among the jobs never reached: from the lowest such id,
/// follow waits-for edges to unreached jobs (each has one) until a job
/// repeats.
fn loop_error(jobs: &[JobReq], preds: &[Vec<usize>], waiting: &[usize]) -> AppError {
    let stuck = |i: &usize| waiting[*i] > 0;
    let Some(mut at) = (0..jobs.len()).filter(stuck).min_by_key(|&i| jobs[i].id) else {
        return AppError::conflict("the jobs wait for each other in a loop");
    };
    let mut path: Vec<usize> = vec![];
    while !path.contains(&at) {
        path.push(at);
        at = preds[at]
            .iter()
            .copied()
            .filter(stuck)
            .min_by_key(|&p| jobs[p].id)
            .unwrap_or(at);
    }
    let first = path.iter().position(|&i| i == at).unwrap_or(0);
    let ids: Vec<String> = path[first..]
        .iter()
        .chain(std::iter::once(&at))
        .map(|&i| jobs[i].id.to_string())
        .collect();
    AppError::conflict(format!(
        "job {} waits for itself: {}",
        jobs[at].id,
        ids.join(" after ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, after: &[i64], priority: i64, due: Option<i64>) -> JobReq {
        JobReq {
            id,
            centre: 1,
            minutes: 10,
            after: after.to_vec(),
            earliest: 0,
            due,
            priority,
        }
    }

    fn ids(jobs: &[JobReq], g: &Graph) -> Vec<i64> {
        g.order.iter().map(|&i| jobs[i].id).collect()
    }

    #[test]
    fn waits_first_then_priority_due_and_id() {
        let jobs = vec![
            job(5, &[], 1, None),
            job(4, &[], 1, Some(100)),
            job(3, &[], 0, None),
            job(2, &[7], -1, None),
            job(7, &[], 2, None),
            job(1, &[], 1, Some(100)),
        ];
        let g = Graph::new(&jobs, |_| false).unwrap();
        // 2 is the most urgent but waits for 7, the least urgent.
        assert_eq!(ids(&jobs, &g), vec![3, 1, 4, 5, 7, 2]);
        assert_eq!(
            g.dependents(4),
            vec![false, false, false, true, false, false]
        );
    }

    #[test]
    fn loops_unknown_ids_and_duplicates_name_a_job() {
        let jobs = vec![
            job(1, &[], 0, None),
            job(2, &[3, 1], 0, None),
            job(3, &[2], 0, None),
        ];
        let e = Graph::new(&jobs, |_| false).unwrap_err();
        assert_eq!(e.status(), 409);
        assert_eq!(e.to_string(), "job 2 waits for itself: 2 after 3 after 2");
        let e = Graph::new(&[job(9, &[9], 0, None)], |_| false).unwrap_err();
        assert_eq!(e.to_string(), "job 9 waits for itself: 9 after 9");
        let e = Graph::new(&[job(1, &[], 0, None), job(2, &[8], 0, None)], |_| false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "job 2 waits for job 8, which is not in the plan"
        );
        // Known outside work is fine.
        assert!(Graph::new(&[job(2, &[8], 0, None)], |id| id == 8).is_ok());
        let e = Graph::new(&[job(1, &[], 0, None), job(1, &[], 0, None)], |_| false).unwrap_err();
        assert_eq!(e.to_string(), "job 1 is in the plan twice");
    }
}
