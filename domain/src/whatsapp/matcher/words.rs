//! The matcher's own words (the flows' triggers come from their files) and
//! how a typed word is compared with one: exactly, or with a small typo.

use super::{MAINTENANCE_STATUS, REQUEST_MAINTENANCE, TALK_TO_PERSON};
use crate::whatsapp::texts::Lang;

/// Words naming a job, before its number: "job 1234", "taak 1234",
/// "umsebenzi 1234".
pub const JOB_NOUNS: &[&str] = &["job", "jobs", "taak", "umsebenzi", "imisebenzi", "msebenzi"];

/// Words naming a job only beside a job verb ("begin werk 1234"): alone
/// they are ordinary words ("ek werk 5 ure", "take 5").
pub const WEAK_JOB_NOUNS: &[&str] = &["werk", "take"];

/// Words between a job noun and its number ("job no 1234").
pub const NUMBER_WORDS: &[&str] = &["no", "nr", "number", "num", "nommer", "inombolo"];

/// What a person wants done with a job, as the `do` values of my_jobs's
/// menu, each with its verbs in English, Afrikaans and isiZulu.
pub const JOB_VERBS: &[(&str, &[&str])] = &[
    (
        "start",
        &[
            "start", "starting", "begin", "resume", "restart", "continue", "hervat", "qala",
            "qalisa", "ngiqala", "qhubeka",
        ],
    ),
    (
        "pause",
        &[
            "pause",
            "paused",
            "hold",
            "onderbreek",
            "pouse",
            "pouseer",
            "misa",
            "mise",
            "yima",
        ],
    ),
    (
        "complete",
        &[
            "complete",
            "completed",
            "done",
            "finish",
            "finished",
            "voltooi",
            "voltooid",
            "klaar",
            "afgehandel",
            "qedela",
            "qeda",
            "qedile",
            "ngiqedile",
            "qediwe",
            "uqediwe",
        ],
    ),
];

/// Words before (or after) a good or scrap quantity when completing a job.
pub const GOOD_WORDS: &[&str] = &["good", "goed", "goeie", "ezinhle", "zinhle"];
pub const SCRAP_WORDS: &[&str] = &["scrap", "skroot", "ezimoshekile", "moshekile", "waste"];

/// Words that may stand beside a machine code without saying anything
/// about it ("machine M-04"): such a message carries no description.
pub const MACHINE_NOUNS: &[&str] = &["machine", "machines", "masjien", "umshini", "mashine"];

/// Phrases the matcher adds to the flows' own triggers: ways of saying it
/// inside a sentence that a whole-message trigger would not need.
pub const EXTRA_PHRASES: &[(&str, Lang, &[&str])] = &[
    (
        REQUEST_MAINTENANCE,
        Lang::En,
        &["broke", "not working", "faulty", "jammed", "out of order"],
    ),
    (REQUEST_MAINTENANCE, Lang::Af, &["werk nie", "gebreek"]),
    (
        REQUEST_MAINTENANCE,
        Lang::Zu,
        &["ayisebenzi", "iphukile", "yephukile"],
    ),
    (
        MAINTENANCE_STATUS,
        Lang::En,
        &[
            "status repair",
            "status request",
            "status requests",
            "my request",
            "my repairs",
        ],
    ),
    (
        MAINTENANCE_STATUS,
        Lang::Af,
        &["status herstel", "status versoek"],
    ),
    (
        MAINTENANCE_STATUS,
        Lang::Zu,
        &["isimo isicelo", "isimo sokulungisa"],
    ),
    (
        TALK_TO_PERSON,
        Lang::En,
        &[
            "talk to someone",
            "speak to someone",
            "speak to a person",
            "real person",
        ],
    ),
];

/// Letters and digits only, lower case: `M-04` → `m04`, `i-oda` → `ioda`.
pub fn squash(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// How a typed word (squashed) compares with a vocabulary word (squashed):
/// `Some(true)` the same, `Some(false)` a small typo (distance ≤ 2, for
/// words of 7 letters or more, starting with the same letter, so "klaar"
/// is no typo of "onklaar"), `None` another word.
pub fn word_match(typed: &str, word: &str) -> Option<bool> {
    if typed == word {
        return Some(true);
    }
    let long = word.chars().count() >= 7;
    let same_start = typed.chars().next() == word.chars().next();
    (long && same_start && distance(typed, word) <= 2).then_some(false)
}

/// The Damerau–Levenshtein distance in its optimal-string-alignment form:
/// insertions, deletions, substitutions and swaps of two neighbours each
/// count one (`m04`/`m40` is 1, `breakdwon`/`breakdown` is 1), by `char`.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    // Three rows: two back (for swaps), one back, and the one being filled.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("abc", "", 3),
            ("m04", "m04", 0),
            ("m04", "m40", 1),
            ("breakdwon", "breakdown", 1),
            ("maintenence", "maintenance", 1),
            ("stukend", "stukkend", 1),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3), // optimal string alignment, not unrestricted
            ("ümlaut", "umlaut", 1),
        ] {
            assert_eq!(distance(a, b), d, "{a} / {b}");
            assert_eq!(distance(b, a), d, "{b} / {a}");
        }
    }

    #[test]
    fn words_match_exactly_or_with_a_small_typo_when_long() {
        assert_eq!(word_match("broken", "broken"), Some(true));
        assert_eq!(word_match("brokn", "broken"), None); // 6 letters: exact only
        assert_eq!(word_match("breakdwon", "breakdown"), Some(false));
        assert_eq!(word_match("maintanence", "maintenance"), Some(false));
        assert_eq!(word_match("klaar", "onklaar"), None);
        assert_eq!(word_match("rbeakdown", "breakdown"), None);
        assert_eq!(word_match("complex", "complete"), Some(false));
    }
}
