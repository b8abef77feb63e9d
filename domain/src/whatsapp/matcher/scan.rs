//! Reading a message into words and finding the plant's codes in it:
//! machine codes, order numbers, job numbers with what to do with the job.

use super::words::{
    distance, squash, word_match, GOOD_WORDS, JOB_NOUNS, JOB_VERBS, NUMBER_WORDS, SCRAP_WORDS,
    WEAK_JOB_NOUNS,
};

/// Most words of a message read (a WhatsApp text may be 4,096 characters).
pub const MAX_TOKENS: usize = 80;
/// Most characters of a message read.
pub const MAX_CHARS: usize = 2_000;

/// One word of a message: as typed (lower case, accents folded, with inner
/// dashes, apostrophes and decimal marks) and squashed to letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub raw: String,
    pub sq: String,
}

impl Tok {
    pub fn is_number(&self) -> bool {
        !self.raw.is_empty() && self.raw.bytes().all(|b| b.is_ascii_digit())
    }

    /// A quantity as typed: digits with at most one `.` or `,`.
    pub fn is_quantity(&self) -> bool {
        let marks = self.raw.chars().filter(|c| matches!(c, '.' | ',')).count();
        marks <= 1
            && self.raw.chars().any(|c| c.is_ascii_digit())
            && self
                .raw
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
    }

    fn is_letters(&self) -> bool {
        !self.raw.is_empty() && self.raw.chars().all(char::is_alphabetic)
    }

    fn has_letter_and_digit(&self) -> bool {
        self.sq.chars().any(|c| c.is_ascii_digit()) && self.sq.chars().any(char::is_alphabetic)
    }
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—')
}

/// The words of an already normalized message.
pub fn tokens(norm: &str) -> Vec<Tok> {
    let chars: Vec<char> = norm
        .chars()
        .take(MAX_CHARS)
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let between =
            |f: fn(&char) -> bool| prev.as_ref().is_some_and(f) && next.as_ref().is_some_and(f);
        let keep = c.is_alphanumeric()
            || (matches!(c, '-' | '\'') && between(|c| c.is_alphanumeric()))
            || (matches!(c, '.' | ',') && between(|c| c.is_ascii_digit()));
        if keep {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.truncate(MAX_TOKENS);
    out.into_iter()
        .map(|raw| Tok {
            sq: squash(&raw),
            raw,
        })
        .collect()
}

/// What was found of one kind: nothing, one value, or more than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    None,
    One(String),
    Ambiguous,
}

impl Found {
    fn add(&mut self, value: String) {
        *self = match std::mem::replace(self, Found::None) {
            Found::None => Found::One(value),
            Found::One(v) if v == value => Found::One(v),
            _ => Found::Ambiguous,
        }
    }

    pub fn any(&self) -> bool {
        *self != Found::None
    }

    pub fn one(&self) -> Option<&str> {
        match self {
            Found::One(v) => Some(v),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- machines

/// A machine code in the forms it is compared in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// As the plant writes it: `M-04`.
    pub canon: String,
    /// `m04`: equal to what was typed, dash or not.
    sq: String,
    /// `m04` with look-alikes folded (o → 0, i and l → 1): compared with typos.
    folded: String,
    /// Folded, each run of digits without leading zeros: `m4` for `M-04`,
    /// `M-4` and `M-O4`.
    key: String,
}

/// o → 0, i and l → 1: the letters people type for those digits.
fn fold(sq: &str) -> String {
    sq.chars()
        .map(|c| match c {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect()
}

/// Each run of digits without its leading zeros (at least one digit kept).
fn unpad(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        // Only zeros since the run began (or the run begins here).
        let zeros_so_far = chars[..i]
            .iter()
            .rev()
            .take_while(|d| d.is_ascii_digit())
            .all(|d| *d == '0');
        let more_digits = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c == '0' && zeros_so_far && more_digits {
            continue;
        }
        out.push(c);
    }
    out
}

impl Code {
    pub fn new(canon: &str) -> Code {
        let sq = squash(canon);
        let folded = fold(&sq);
        Code {
            canon: canon.trim().to_string(),
            key: unpad(&folded),
            folded,
            sq,
        }
    }
}

/// How closely a typed code matches: 0 the same but for case and dashes,
/// 1 the same number (`M-4`, `M-O4` for `M-04`), 2 one typo.
fn tier(typed: &str, pair: bool, code: &Code) -> Option<u8> {
    if typed == code.sq {
        return Some(0);
    }
    let folded = fold(typed);
    if unpad(&folded) == code.key {
        return Some(1);
    }
    let long = code.canon.chars().count() >= 4;
    let same_start = folded.chars().next() == code.folded.chars().next();
    (!pair && long && same_start && distance(&folded, &code.folded) <= 1).then_some(2)
}

/// The machine a message names: one code, or ambiguous when a typed code
/// is as close to two codes (or two codes are named). Tokens in `skip`
/// (already read as an order number) are not read again.
pub fn machine(codes: &[Code], toks: &[Tok], skip: &[usize]) -> (Found, Vec<usize>) {
    let mut found = Found::None;
    let mut used = Vec::new();
    let mut consider = |typed: &str, pair: bool, at: &[usize], found: &mut Found| {
        let tiers: Vec<(u8, &Code)> = codes
            .iter()
            .filter_map(|c| Some((tier(typed, pair, c)?, c)))
            .collect();
        let Some(best) = tiers.iter().map(|(t, _)| *t).min() else {
            return;
        };
        let mut close = tiers
            .iter()
            .filter(|(t, _)| *t == best)
            .map(|(_, c)| &c.canon);
        let first = close.next().cloned().unwrap_or_default();
        if close.all(|c| *c == first) {
            found.add(first);
        } else {
            *found = Found::Ambiguous;
        }
        used.extend_from_slice(at);
    };
    for (i, t) in toks.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        if t.has_letter_and_digit() {
            consider(&t.sq, false, &[i], &mut found);
        } else if let Some(n) = toks.get(i + 1) {
            // "m 04", "EMB 1": letters, then a number.
            if t.is_letters()
                && t.raw.chars().count() <= 8
                && n.is_number()
                && !skip.contains(&(i + 1))
            {
                consider(&format!("{}{}", t.sq, n.sq), true, &[i, i + 1], &mut found);
            }
        }
    }
    (found, used)
}

// ------------------------------------------------------------------ orders

/// `SO-0042`: the prefix, and the number padded to four digits as the
/// plant numbers them; `SO-2026-0042` keeps its year.
fn order_number(prefix: &str, year: Option<&str>, seq: &str) -> String {
    match year {
        Some(y) => format!("{prefix}-{y}-{seq:0>4}"),
        None => format!("{prefix}-{seq:0>4}"),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A number after an order prefix: `0042`, `2026-0042`, `-0042`. Written
/// straight after the prefix or as the next word, it needs two digits or
/// more ("mo4" is likelier a machine code, "so 2 more" no order at all).
fn order_tail(rest: &str) -> Option<(Option<&str>, &str)> {
    let dashed = rest.starts_with('-');
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if let Some((y, n)) = rest.split_once('-') {
        return (y.len() == 4 && digits(y) && digits(n)).then_some((Some(y), n));
    }
    (digits(rest) && (dashed || rest.len() >= 2)).then_some((None, rest))
}

/// The order numbers a message names, with the tokens they took.
pub fn order(prefixes: &[String], toks: &[Tok]) -> (Found, Vec<usize>) {
    let mut found = Found::None;
    let mut used = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let raw = &toks[i].raw;
        let mut took = 0;
        for p in prefixes {
            let lower = p.to_lowercase();
            // "S0-0042": a zero typed for the letter o, before a dash.
            let head: String = raw.chars().take(lower.chars().count()).collect();
            if head.replace('0', "o") != lower || head.starts_with('0') {
                continue;
            }
            let rest = &raw[head.len()..];
            if head != lower && !(rest.is_empty() || rest.starts_with('-')) {
                continue;
            }
            if rest.is_empty() {
                // "so 42", "so 2026-0042", "so 2026 0042".
                let next = toks.get(i + 1).map(|t| t.raw.as_str()).unwrap_or("");
                let after = toks.get(i + 2).map(|t| t.raw.as_str()).unwrap_or("");
                if next.len() == 4 && digits(next) && digits(after) {
                    found.add(order_number(p, Some(next), after));
                    took = 3;
                } else if let Some((year, seq)) = order_tail(next) {
                    found.add(order_number(p, year, seq));
                    took = 2;
                }
            } else if let Some((year, seq)) = order_tail(rest) {
                found.add(order_number(p, year, seq));
                took = 1;
            }
            if took > 0 {
                break;
            }
        }
        if took > 0 {
            used.extend(i..i + took);
            i += took;
        } else {
            i += 1;
        }
    }
    (found, used)
}

// -------------------------------------------------------------------- jobs

/// What a message says about jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobTalk {
    /// The job number after a job noun ("job 1234", "umsebenzi #1234"), or
    /// beside a verb in a message of a few words ("start 1234").
    pub job: Found,
    /// `start`, `pause` or `complete`, when the verbs say one of them.
    pub action: Found,
    pub good: Option<String>,
    pub scrap: Option<String>,
}

fn is_any(t: &Tok, words: &[&str]) -> bool {
    words.iter().any(|w| word_match(&t.sq, w).is_some())
}

fn verb(t: &Tok) -> Option<&'static str> {
    JOB_VERBS
        .iter()
        .find(|(_, words)| is_any(t, words))
        .map(|(action, _)| *action)
}

/// The quantity said with one of `words`: "good 120", "120 good".
fn quantity(toks: &[Tok], words: &[&str], not: &[usize]) -> Option<String> {
    let at = |i: usize| toks.get(i).filter(|t| t.is_quantity() && !not.contains(&i));
    toks.iter().enumerate().find_map(|(i, t)| {
        if !is_any(t, words) {
            return None;
        }
        let q = at(i + 1).or_else(|| i.checked_sub(1).and_then(at))?;
        Some(q.raw.clone())
    })
}

pub fn jobs(toks: &[Tok]) -> JobTalk {
    let verbs: Vec<Option<&str>> = toks.iter().map(verb).collect();
    let mut action = Found::None;
    for v in verbs.iter().flatten() {
        action.add(v.to_string());
    }
    let mut job = Found::None;
    let mut job_at = Vec::new();
    // A job number at `j`: taken, and its place kept.
    let number_at = |j: usize, job: &mut Found, job_at: &mut Vec<usize>| {
        if let Some(n) = toks.get(j).filter(|n| n.is_number() && n.raw.len() <= 12) {
            job.add(n.raw.clone());
            job_at.push(j);
        }
    };
    for (i, t) in toks.iter().enumerate() {
        // "job1234"
        let letters: String = t.raw.chars().take_while(|c| c.is_alphabetic()).collect();
        let rest = &t.raw[letters.len()..];
        if digits(rest) && JOB_NOUNS.contains(&letters.as_str()) {
            job.add(rest.to_string());
            job_at.push(i);
            continue;
        }
        let noun = is_any(t, JOB_NOUNS) || (is_any(t, WEAK_JOB_NOUNS) && action.any());
        if noun {
            let skip = toks
                .get(i + 1)
                .is_some_and(|n| NUMBER_WORDS.contains(&n.sq.as_str()));
            number_at(i + 1 + usize::from(skip), &mut job, &mut job_at);
        }
    }
    if !job.any() && toks.len() <= 3 {
        // "start 1234", "1234 done": a verb and a number alone.
        for (i, v) in verbs.iter().enumerate() {
            if v.is_some() {
                number_at(i + 1, &mut job, &mut job_at);
                if let Some(before) = i.checked_sub(1) {
                    number_at(before, &mut job, &mut job_at);
                }
            }
        }
    }
    let completing = action.one() == Some("complete");
    JobTalk {
        good: quantity(toks, GOOD_WORDS, &job_at).filter(|_| completing),
        scrap: quantity(toks, SCRAP_WORDS, &job_at).filter(|_| completing),
        job,
        action,
    }
}
