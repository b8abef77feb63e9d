//! The master-data search index as pure rules. A record matches a search
//! when the needle is a prefix of its `search_text` at position 0 or right
//! after a space (the needle may span words: "cotton fab"). The index keeps
//! one *tail* per such position — the text from there on, cut at
//! [`TAIL_CHARS`] characters — so a match is a tail that starts with the
//! needle: a range scan `lo <= tail < hi` of an ordered index
//! ([`PrefixRange`]), in byte order (SQLite's BINARY collation, PostgreSQL's
//! `COLLATE "C"`; UTF-8 byte order is code-point order, as Rust's `str`).

/// A tail keeps at most this many characters (a needle is at most 100).
pub const TAIL_CHARS: usize = 100;

/// Whether `needle` starts `search_text` or starts right after one of its
/// spaces: what the index answers, stated plainly (the reference for tests).
pub fn search_matches(search_text: &str, needle: &str) -> bool {
    search_text.starts_with(needle) || search_text.contains(&format!(" {needle}"))
}

fn cut(s: &str, chars: usize) -> &str {
    match s.char_indices().nth(chars) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// One tail of a record, and how many characters it shares at its start
/// with the record's tail just before it in order (0 for the first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tail {
    pub text: String,
    pub shared_prefix: usize,
}

/// The tails of a record's `search_text`: from position 0 and from each
/// position after a space, each cut at [`TAIL_CHARS`] characters, without
/// repeats, in order ("bear-01 teddy bear" → "bear", "bear-01 teddy bear",
/// "teddy bear").
///
/// A record's tails that start with a needle come one after another in that
/// order, so exactly the first of them shares fewer than the needle's length
/// with the tail before it: counting the tails in a needle's range whose
/// `shared_prefix` is below its length ([`PrefixRange::len`]) counts each
/// record found once, with no DISTINCT.
pub fn search_tails(search_text: &str) -> Vec<Tail> {
    let starts = std::iter::once(0).chain(
        search_text
            .char_indices()
            .filter(|&(_, c)| c == ' ')
            .map(|(i, _)| i + 1),
    );
    let mut texts: Vec<&str> = starts.map(|i| cut(&search_text[i..], TAIL_CHARS)).collect();
    texts.sort_unstable();
    texts.dedup();
    let mut out = Vec::with_capacity(texts.len());
    let mut before = None;
    for t in texts {
        let shared_prefix = before.map_or(0, |b: &str| {
            b.chars().zip(t.chars()).take_while(|(x, y)| x == y).count()
        });
        out.push(Tail {
            text: t.to_string(),
            shared_prefix,
        });
        before = Some(t);
    }
    out
}

/// The tails a needle selects: `lo <= tail < hi` (no upper bound when `hi`
/// is `None`), the first of each record's being the one with a
/// `shared_prefix` below `len` (`lo`'s length in characters). When the
/// needle is longer than a tail can be, the range selects candidates by its
/// first [`TAIL_CHARS`] characters and `recheck` says each must still be
/// checked against the whole `search_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixRange {
    pub lo: String,
    pub hi: Option<String>,
    pub len: usize,
    pub recheck: bool,
}

impl PrefixRange {
    /// The range of tails starting with `needle` (non-empty for any use).
    pub fn of(needle: &str) -> PrefixRange {
        let lo = cut(needle, TAIL_CHARS);
        PrefixRange {
            lo: lo.to_string(),
            hi: successor(lo),
            len: lo.chars().count(),
            recheck: lo.len() < needle.len(),
        }
    }

    /// Whether `tail` is in the range.
    pub fn contains(&self, tail: &str) -> bool {
        tail >= self.lo.as_str() && self.hi.as_deref().is_none_or(|hi| tail < hi)
    }

    /// Whether `tail` is in the range and the first of its record's there.
    pub fn counts(&self, tail: &Tail) -> bool {
        self.contains(&tail.text) && tail.shared_prefix < self.len
    }
}

/// The least string above every string starting with `s`: `s` without its
/// trailing U+10FFFF characters, its last character then the next one
/// (surrogates are not characters). None when nothing is above them all.
fn successor(s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.chars().collect();
    while let Some(last) = chars.pop() {
        if last == char::MAX {
            continue;
        }
        let next = match last {
            '\u{D7FF}' => '\u{E000}',
            c => char::from_u32(c as u32 + 1)?,
        };
        chars.push(next);
        return Some(chars.into_iter().collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// How many times the index finds `text` for `needle`: 1 or 0.
    fn found(text: &str, needle: &str) -> bool {
        let r = PrefixRange::of(needle);
        let n = search_tails(text).iter().filter(|t| r.counts(t)).count();
        assert!(n <= 1, "{text:?} counted {n} times for {needle:?}");
        n == 1 && (!r.recheck || search_matches(text, needle))
    }

    fn texts(tails: &[Tail]) -> Vec<&str> {
        tails.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn tails_start_at_zero_and_after_each_space() {
        let tails = search_tails("bear-01 teddy bear");
        assert_eq!(texts(&tails), ["bear", "bear-01 teddy bear", "teddy bear"]);
        let shared: Vec<usize> = tails.iter().map(|t| t.shared_prefix).collect();
        assert_eq!(shared, [0, 4, 0]);
        // "bear" starts two tails: the record is counted at the first.
        let r = PrefixRange::of("bear");
        assert_eq!(tails.iter().filter(|t| r.contains(&t.text)).count(), 2);
        assert_eq!(tails.iter().filter(|t| r.counts(t)).count(), 1);
        assert_eq!(texts(&search_tails("a  b")), [" b", "a  b", "b"]);
        let long = "x ".repeat(150);
        let tails = search_tails(&long);
        assert!(tails.iter().all(|t| t.text.chars().count() <= TAIL_CHARS));
        // The 101 tails from the first 200 characters all cut to the same
        // 100 and are kept once; then 49 shorter ones and the empty one
        // after the last space.
        assert_eq!(tails.len(), 51);
    }

    #[test]
    fn ranges_are_prefix_ranges() {
        let r = PrefixRange::of("cot");
        assert_eq!(
            (r.lo.as_str(), r.hi.as_deref(), r.len),
            ("cot", Some("cou"), 3)
        );
        assert!(!r.recheck);
        assert!(r.contains("cot") && r.contains("cotton fabric") && !r.contains("cou"));
        assert!(!r.contains("co"));
        assert_eq!(PrefixRange::of("a\u{10FFFF}").hi.as_deref(), Some("b"));
        assert_eq!(PrefixRange::of("\u{10FFFF}").hi, None);
        assert_eq!(PrefixRange::of("\u{D7FF}").hi.as_deref(), Some("\u{E000}"));
        let long = "é".repeat(TAIL_CHARS + 5);
        let r = PrefixRange::of(&long);
        assert!(r.recheck);
        assert_eq!((r.lo.chars().count(), r.len), (TAIL_CHARS, TAIL_CHARS));
    }

    #[test]
    fn what_matches() {
        let t = "bear-01 teddy bear, 30 cm";
        for (needle, want) in [
            ("bear", true),
            ("bear-0", true),
            ("teddy", true),
            ("teddy bear, 3", true),
            ("30 cm", true),
            ("eddy", false),
            ("ear", false),
            ("teddy bears", false),
            ("cm ", false),
        ] {
            assert_eq!(found(t, needle), want, "{needle}");
            assert_eq!(search_matches(t, needle), want, "{needle}");
        }
        // Wildcards of LIKE are plain characters.
        assert!(found("zb-2 echo 50%_off", "50%_"));
        assert!(!found("zb-2 echo 50xyoff", "50%_"));
    }

    proptest! {
        #[test]
        fn the_index_answers_as_the_plain_rule(
            text in "[ab %_é\u{10FFFF}]{0,12}",
            needle in "[ab %_é\u{10FFFF}]{1,5}",
        ) {
            prop_assert_eq!(found(&text, &needle), search_matches(&text, &needle));
        }

        #[test]
        fn long_texts_and_needles_answer_as_the_plain_rule(
            text in "[ab ]{90,130}",
            needle in "[ab ]{1,110}",
        ) {
            prop_assert_eq!(found(&text, &needle), search_matches(&text, &needle));
        }

        #[test]
        fn long_needles_taken_from_the_text_answer_as_the_plain_rule(
            text in "[ab ]{90,130}",
            start in 0usize..90,
            len in 1usize..130,
        ) {
            let needle: String = text.chars().skip(start).take(len).collect();
            prop_assert_eq!(found(&text, &needle), search_matches(&text, &needle));
        }
    }
}
