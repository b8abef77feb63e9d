//! Free text, placed: "M-04 broke down", "start job 1234", "order SO-0042"
//! start the flow they name with the fields they give already filled
//! ([`place`], answering an [`Input::Start`] for the engine). The service
//! asks it when no flow is in progress; `None` leaves the text to the
//! engine, which shows the main menu.
//!
//! What it reads, over the plant's own codes ([`Vocabulary`]), forgiving
//! case, punctuation, accents and small typos:
//! 1. A job number after a job noun ("job 1234", "umsebenzi 1234", "begin
//!    werk 1234"), or beside a verb in a message of a few words ("start
//!    1234"): **my_jobs** with `job`, and `do` = start / pause / complete
//!    when the verbs say one (with `good` and `scrap` when completing).
//! 2. An order number with a known prefix ("SO-0042", "so 42",
//!    "SO-2026-0042"): **order_status** with `order`, upper case, the dash
//!    restored and the number padded to four digits as the plant numbers
//!    them (`SO-0042`); a year stays as typed (`SO-2026-0042`).
//! 3. The flows' trigger phrases (every language) and a few of the
//!    matcher's own, anywhere in the message, in order, a few words apart
//!    at most: the flow with the longest phrase heard (more words, then
//!    more words exact, then the person's language); a tie between two
//!    flows places nothing. Short words of a third language (neither the
//!    person's nor English) count only as the whole message ("take" is
//!    Afrikaans for jobs but an English verb).
//! 4. A machine code alone ("machine M-4 down"): **request_maintenance**.
//!
//! In request_maintenance, `machine` is the canonical code of the one
//! machine named — typed with or without its dash (`m04`, `m 04`), with a
//! look-alike letter or without its leading zero (`M-O4`, `M-4`), or with
//! one typo in a code of four characters or more (`EBM-01`), when exactly
//! one code is that close — and `description` is the whole message when it
//! says more than the code (or, without one, more than a trigger).
//!
//! Never placed: an empty message, a lone number ("2" picks from a list),
//! a global command (`menu`, `cancel`, `help`, `0`) or a yes or no.
//! Typos: words of 7 letters or more within a Damerau–Levenshtein
//! distance of 2 (same first letter); shorter words exactly.

use super::engine::{command, normalize, yes_no, Input};
use super::flow::{FlowSet, MAIN_MENU};
use super::texts::Lang;
use std::collections::{BTreeMap, BTreeSet};

mod scan;
mod words;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

pub use words::distance;

/// The flows the matcher fills fields of (others it only starts).
pub const REQUEST_MAINTENANCE: &str = "request_maintenance";
pub const MY_JOBS: &str = "my_jobs";
pub const ORDER_STATUS: &str = "order_status";
pub const MAINTENANCE_STATUS: &str = "maintenance_status";
pub const TALK_TO_PERSON: &str = "talk_to_person";

/// Sales and manufacturing orders (`service/src/numbers.rs`).
pub const ORDER_PREFIXES: [&str; 2] = ["SO", "MO"];

/// Words of a trigger phrase found at most this many words apart.
const MAX_GAP: usize = 3;

/// Where free text goes: a flow and the fields it already gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub flow: String,
    pub fields: BTreeMap<String, String>,
}

impl Placed {
    /// What the engine takes to start the flow.
    pub fn into_input(self) -> Input {
        Input::Start {
            flow: self.flow,
            fields: self.fields,
        }
    }
}

/// One trigger phrase, squashed word by word.
#[derive(Debug, Clone)]
struct Phrase {
    flow: String,
    lang: Lang,
    words: Vec<String>,
    joined: String,
}

impl Phrase {
    fn new(flow: &str, lang: Lang, text: &str) -> Option<Phrase> {
        let words: Vec<String> = scan::tokens(&normalize(text))
            .into_iter()
            .map(|t| t.sq)
            .collect();
        (!words.is_empty()).then(|| Phrase {
            flow: flow.to_string(),
            lang,
            joined: words.concat(),
            words,
        })
    }

    /// How many of its words were typed exactly, when it was heard: its
    /// words in order, at most [`MAX_GAP`] words apart, or run together
    /// in one ("brokedown").
    fn hit(&self, toks: &[&str]) -> Option<usize> {
        fn from(words: &[String], toks: &[&str], start: usize, first: bool) -> Option<usize> {
            let Some((word, rest)) = words.split_first() else {
                return Some(0);
            };
            let end = if first {
                toks.len()
            } else {
                toks.len().min(start + MAX_GAP + 1)
            };
            (start..end)
                .filter_map(|j| {
                    let exact = words::word_match(toks[j], word)?;
                    Some(from(rest, toks, j + 1, false)? + usize::from(exact))
                })
                .max()
        }
        let run_together = || {
            toks.iter()
                .filter_map(|t| words::word_match(t, &self.joined))
                .max()
                .map(|exact| if exact { self.words.len() } else { 0 })
        };
        let spaced = from(&self.words, toks, 0, true);
        if self.words.len() > 1 {
            spaced.max(run_together())
        } else {
            spaced
        }
    }
}

/// What the matcher knows of the plant: its machine codes, its order
/// prefixes and every flow's trigger phrases.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    machines: Vec<String>,
    codes: Vec<scan::Code>,
    order_prefixes: Vec<String>,
    triggers: BTreeMap<String, BTreeMap<Lang, Vec<String>>>,
    phrases: Vec<Phrase>,
    /// Per flow (the main menu aside), the fields its steps fill: only
    /// those are pre-filled.
    fields: BTreeMap<String, BTreeSet<String>>,
}

impl Vocabulary {
    /// The flows' triggers and the plant's machine codes as it writes them
    /// (`M-04`, `EMB-01`); order prefixes [`ORDER_PREFIXES`].
    pub fn new(flows: &FlowSet, machines: Vec<String>) -> Vocabulary {
        let mut triggers = BTreeMap::new();
        let mut fields = BTreeMap::new();
        let mut phrases = Vec::new();
        for (id, def) in flows.flows.iter().filter(|(id, _)| *id != MAIN_MENU) {
            let filled = def.steps.values().filter_map(|s| s.field());
            fields.insert(id.clone(), filled.map(String::from).collect());
            triggers.insert(id.clone(), def.triggers.clone());
            for (lang, list) in &def.triggers {
                phrases.extend(list.iter().filter_map(|t| Phrase::new(id, *lang, t)));
            }
        }
        for (flow, lang, list) in words::EXTRA_PHRASES {
            if fields.contains_key(*flow) {
                phrases.extend(list.iter().filter_map(|t| Phrase::new(flow, *lang, t)));
            }
        }
        let mut machines: Vec<String> = machines
            .into_iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !words::squash(m).is_empty())
            .collect();
        machines.sort();
        machines.dedup();
        Vocabulary {
            codes: machines.iter().map(|m| scan::Code::new(m)).collect(),
            machines,
            order_prefixes: Vec::new(),
            triggers,
            phrases,
            fields,
        }
        .with_order_prefixes(ORDER_PREFIXES)
    }

    /// Other order prefixes (`"SO"` or `"SO-"`; letters only).
    pub fn with_order_prefixes<S: AsRef<str>>(
        mut self,
        prefixes: impl IntoIterator<Item = S>,
    ) -> Vocabulary {
        self.order_prefixes = prefixes
            .into_iter()
            .map(|p| p.as_ref().trim().trim_end_matches('-').to_ascii_uppercase())
            .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphabetic()))
            .collect();
        self
    }

    pub fn machines(&self) -> &[String] {
        &self.machines
    }

    pub fn order_prefixes(&self) -> &[String] {
        &self.order_prefixes
    }

    /// Per flow id, per language, the flow's trigger phrases.
    pub fn triggers(&self) -> &BTreeMap<String, BTreeMap<Lang, Vec<String>>> {
        &self.triggers
    }

    fn has(&self, flow: &str) -> bool {
        self.fields.contains_key(flow)
    }

    /// A flow placed, with those of `fields` its steps fill.
    fn placed(&self, flow: &str, fields: Vec<(&str, Option<String>)>) -> Placed {
        let fills = &self.fields[flow];
        Placed {
            flow: flow.to_string(),
            fields: fields
                .into_iter()
                .filter(|(name, _)| fills.contains(*name))
                .filter_map(|(name, value)| Some((name.to_string(), value?)))
                .collect(),
        }
    }

    /// The flow whose trigger phrase is heard best, and whether the
    /// message is nothing but that phrase.
    fn by_trigger(&self, toks: &[&str], lang: Lang) -> Option<(&str, bool)> {
        let mut best: BTreeMap<&str, ((usize, usize, bool), bool)> = BTreeMap::new();
        for p in &self.phrases {
            let whole = p.words == toks || (toks.len() == 1 && toks[0] == p.joined);
            let heard =
                whole || p.lang == lang || p.lang == Lang::En || p.joined.chars().count() >= 5;
            let Some(exact) = p.hit(toks).filter(|_| heard) else {
                continue;
            };
            let score = (p.words.len(), exact, p.lang == lang);
            let slot = best.entry(&p.flow).or_insert((score, whole));
            if score > slot.0 {
                *slot = (score, whole);
            }
            slot.1 |= whole;
        }
        let top = best.values().map(|(s, _)| *s).max()?;
        let mut winners = best.iter().filter(|(_, (s, _))| *s == top);
        let (flow, (_, whole)) = winners.next()?;
        winners.next().is_none().then_some((*flow, *whole))
    }
}

/// The flow free text names, with the fields it gives; `None` when it
/// names none (see the module's notes).
pub fn place(v: &Vocabulary, text: &str, lang: Lang) -> Option<Placed> {
    let clipped: String = text.chars().take(scan::MAX_CHARS).collect();
    let norm = normalize(&clipped);
    if command(&norm).is_some() || yes_no(&norm).is_some() {
        return None;
    }
    let toks = scan::tokens(&norm);
    if toks.iter().all(scan::Tok::is_quantity) {
        return None; // nothing, or a lone number
    }
    let said = text.trim().to_string();

    let jobs = scan::jobs(&toks);
    if jobs.job.any() && v.has(MY_JOBS) {
        return Some(v.placed(
            MY_JOBS,
            vec![
                ("job", jobs.job.one().map(String::from)),
                ("do", jobs.action.one().map(String::from)),
                ("good", jobs.good),
                ("scrap", jobs.scrap),
            ],
        ));
    }

    let (order, order_at) = scan::order(&v.order_prefixes, &toks);
    if order.any() && v.has(ORDER_STATUS) {
        return Some(v.placed(ORDER_STATUS, vec![("order", order.one().map(String::from))]));
    }

    let (machine, machine_at) = scan::machine(&v.codes, &toks, &order_at);
    let says_more = toks
        .iter()
        .enumerate()
        .any(|(i, t)| !machine_at.contains(&i) && !words::MACHINE_NOUNS.contains(&t.sq.as_str()));
    let sq: Vec<&str> = toks.iter().map(|t| t.sq.as_str()).collect();
    let (flow, whole) = match v.by_trigger(&sq, lang) {
        Some(hit) => hit,
        None if matches!(machine, scan::Found::One(_)) && v.has(REQUEST_MAINTENANCE) => {
            (REQUEST_MAINTENANCE, false)
        }
        None => return None,
    };
    let fields = match flow {
        REQUEST_MAINTENANCE => {
            let code = machine.one().map(String::from);
            let describes = says_more && (code.is_some() || !whole);
            vec![
                ("machine", code),
                ("description", describes.then_some(said)),
            ]
        }
        MY_JOBS => vec![("do", jobs.action.one().map(String::from))],
        _ => vec![],
    };
    Some(v.placed(flow, fields))
}
