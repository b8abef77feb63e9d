//! Reading what a person typed: global commands, yes and no, a number or a
//! label picking one of the offered choices, and the answer to a question.

use super::{Item, Offer};
use crate::master::Qty;
use crate::whatsapp::flow::InputKind;
use std::collections::BTreeMap;

/// A command that works anywhere, in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `menu`, `0`: back to the main menu.
    Menu,
    /// `cancel`: drop the flow, say so, show the main menu.
    Cancel,
    /// `help`: a short help text; nothing else changes.
    Help,
}

const MENU_WORDS: &[&str] = &[
    "menu",
    "0",
    "main menu",
    "kieslys",
    "hoofkieslys",
    "spyskaart",
    "imenyu",
    "imenu",
];
const CANCEL_WORDS: &[&str] = &["cancel", "kanselleer", "khansela", "yeka"];
const HELP_WORDS: &[&str] = &["help", "hulp", "usizo", "siza", "?"];
const YES_WORDS: &[&str] = &[
    "yes",
    "y",
    "ok",
    "okay",
    "yep",
    "yeah",
    "ja",
    "j",
    "yebo",
    "yebo ngiyavuma",
];
const NO_WORDS: &[&str] = &["no", "n", "nope", "nee", "cha", "qha", "hhayi", "ayi"];

/// The command a normalized message is, if any.
pub fn command(norm: &str) -> Option<Command> {
    if MENU_WORDS.contains(&norm) {
        Some(Command::Menu)
    } else if CANCEL_WORDS.contains(&norm) {
        Some(Command::Cancel)
    } else if HELP_WORDS.contains(&norm) {
        Some(Command::Help)
    } else {
        None
    }
}

/// Yes or no in any of the bot's languages.
pub fn yes_no(norm: &str) -> Option<bool> {
    if YES_WORDS.contains(&norm) {
        Some(true)
    } else if NO_WORDS.contains(&norm) {
        Some(false)
    } else {
        None
    }
}

/// Lower case, accents folded (ê → e), spaces collapsed, and punctuation
/// at either end dropped (`"Yes!"`, `"*2*"`, `"2."` read as `yes`, `2`).
pub fn normalize(s: &str) -> String {
    let folded: String = s
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            '\u{2019}' | '\u{2018}' => '\'',
            c => c,
        })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let joined = words.join(" ");
    let t = joined.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() && joined.contains('?') {
        return "?".into();
    }
    t.to_string()
}

/// Letters and digits only: `M-04`, `m 04` and `m04` compare equal.
fn squash(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The one candidate a typed text names, by (in order) its number in the
/// list, its label or id exactly, the start of its label or of a word in
/// it, or its label with a small typo. None when nothing or more than one
/// fits equally well.
fn best<'a, T>(cands: &'a [T], text: &str, key: impl Fn(&T) -> (&str, &str)) -> Option<&'a T> {
    let norm = normalize(text);
    let n = norm.trim_start_matches('#');
    if let Ok(i) = n.parse::<usize>() {
        if (1..=cands.len()).contains(&i) && n.len() <= 3 {
            return cands.get(i - 1);
        }
    }
    let sq = squash(&norm);
    if sq.is_empty() {
        return None;
    }
    let unique = |hits: Vec<&'a T>| if hits.len() == 1 { Some(hits[0]) } else { None };
    let exact: Vec<&T> = cands
        .iter()
        .filter(|c| {
            let (label, id) = key(c);
            squash(label) == sq || squash(id) == sq
        })
        .collect();
    if !exact.is_empty() {
        return unique(exact);
    }
    if norm.chars().count() >= 2 {
        let starts: Vec<&T> = cands
            .iter()
            .filter(|c| {
                let l = normalize(key(c).0);
                l.starts_with(&norm) || l.split(' ').any(|w| w.starts_with(&norm))
            })
            .collect();
        if !starts.is_empty() {
            return unique(starts);
        }
    }
    let len = norm.chars().count();
    if len < 4 {
        return None;
    }
    let allowed = if len < 8 { 1 } else { 2 };
    let scored: Vec<(usize, &T)> = cands
        .iter()
        .map(|c| (distance(&norm, &normalize(key(c).0)), c))
        .filter(|(d, _)| *d <= allowed)
        .collect();
    let min = scored.iter().map(|(d, _)| *d).min()?;
    unique(
        scored
            .into_iter()
            .filter(|(d, _)| *d == min)
            .map(|(_, c)| c)
            .collect(),
    )
}

/// The offer a typed text picks.
pub fn pick_offer<'a>(offers: &'a [Offer], text: &str) -> Option<&'a Offer> {
    best(offers, text, |o| (o.label.as_str(), o.value.as_str()))
}

/// The data item a typed text names, among all of a choose step's items
/// (not only the page shown): `M-04` finds machine M-04 on page three.
pub fn pick_item<'a>(items: &'a [Item], text: &str) -> Option<&'a Item> {
    let norm = normalize(text);
    if norm.parse::<usize>().is_ok() && !items.iter().any(|i| normalize(&i.id) == norm) {
        return None; // a bare number is a position in the list shown, not here
    }
    best(items, text, |i| (i.label.as_str(), i.id.as_str()))
}

/// Why an answer was refused: a text key and its values.
pub type Refusal = (&'static str, BTreeMap<String, String>);

fn refuse(key: &'static str, var: Option<(&str, i64)>) -> Refusal {
    let vars = var
        .map(|(k, v)| BTreeMap::from([(k.to_string(), v.to_string())]))
        .unwrap_or_default();
    (key, vars)
}

/// Default and longest lengths of a text answer.
pub const TEXT_MIN: i64 = 1;
pub const TEXT_MAX: i64 = 500;

/// Checks an answer to an `ask` step, returning the value to store.
pub fn check_answer(
    kind: InputKind,
    min: Option<i64>,
    max: Option<i64>,
    text: &str,
) -> Result<String, Refusal> {
    let t = text.trim();
    match kind {
        InputKind::Text => {
            let (min, max) = (min.unwrap_or(TEXT_MIN), max.unwrap_or(TEXT_MAX));
            let len = t.chars().count() as i64;
            if len < min.max(1) {
                Err(refuse("err.too_short", Some(("min", min.max(1)))))
            } else if len > max {
                Err(refuse("err.too_long", Some(("max", max))))
            } else {
                Ok(t.to_string())
            }
        }
        InputKind::Number => {
            let digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            let n: i64 = digits
                .strip_prefix('+')
                .unwrap_or(&digits)
                .parse()
                .map_err(|_| refuse("err.number", None))?;
            match (min, max) {
                (Some(m), _) if n < m => Err(refuse("err.too_small", Some(("min", m)))),
                (_, Some(m)) if n > m => Err(refuse("err.too_big", Some(("max", m)))),
                _ => Ok(n.to_string()),
            }
        }
        InputKind::Quantity => {
            let mut q: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            if q.matches(',').count() == 1 && !q.contains('.') {
                q = q.replace(',', ".");
            }
            match Qty::parse_non_negative("quantity", &q) {
                Ok(_) => Ok(q),
                Err(_) => Err(refuse("err.quantity", None)),
            }
        }
        InputKind::YesNo => match yes_no(&normalize(t)) {
            Some(true) => Ok("yes".into()),
            Some(false) => Ok("no".into()),
            None => Err(refuse("err.yes_no", None)),
        },
    }
}
