//! Whatever is typed, the matcher answers without panicking, places only
//! flows the plant has with fields those flows fill, never places a lone
//! number or a command, and reads upper and lower case alike.

use super::tests::vocabulary;
use super::*;
use proptest::prelude::*;

/// Pieces of plant talk, so generated messages often place something.
const PIECES: &[&str] = &[
    "M-04",
    "m04",
    "M-O4",
    "emb 1",
    "EBM-01",
    "FIN-03",
    "SO-0042",
    "so 42",
    "SO-2026-0042",
    "job",
    "1234",
    "#7",
    "start",
    "pause",
    "done",
    "klaar",
    "good",
    "scrap",
    "2,5",
    "broken",
    "broke down",
    "stukkend",
    "kuphukile",
    "status",
    "my requests",
    "talk to a person",
    "khuluma nomuntu",
    "praat met iemand",
    "order",
    "bestelling",
    "i-oda",
    "umsebenzi",
    "qala",
    "werk",
    "take",
    "menu",
    "0",
    "help",
    "yes",
    "ok",
    "thanks",
    "the",
    "is",
    "Ärger",
    "ß",
    "İstanbul",
    "ǅ",
    "😀",
    "-",
    "—",
    ".",
    ",",
    "'",
    "?",
    "  ",
];

fn lang() -> impl Strategy<Value = Lang> {
    prop::sample::select(Lang::ALL.to_vec())
}

fn plant_talk() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|p| p.join(" "))
}

/// Upper or lower case, chosen per character.
fn mixed_case(s: &str, mask: &[bool]) -> String {
    s.chars()
        .zip(mask.iter().cycle())
        .flat_map(|(c, up)| -> Vec<char> {
            if *up {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            }
        })
        .collect()
}

/// The same placement but for the description, which is each message as
/// typed.
fn same_but_case(a: &Option<Placed>, b: &Option<Placed>, text_a: &str, text_b: &str) {
    let strip = |p: &Option<Placed>, text: &str| {
        p.clone().map(|mut p| {
            if let Some(d) = p.fields.remove("description") {
                assert_eq!(d, text.trim());
            }
            p
        })
    };
    assert_eq!(
        strip(a, text_a),
        strip(b, text_b),
        "{text_a:?} / {text_b:?}"
    );
}

fn lowered(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_is_answered_within_the_rules(text in "\\PC{0,200}|.{0,40}", lang in lang()) {
        let v = vocabulary();
        if let Some(p) = place(&v, &text, lang) {
            let fills = &v.fields[&p.flow];
            for name in p.fields.keys() {
                prop_assert!(fills.contains(name), "{} does not fill {name}", p.flow);
            }
            let norm = normalize(&text);
            prop_assert!(command(&norm).is_none());
            prop_assert!(!norm.chars().all(|c| c.is_ascii_digit() || c == ' '));
        }
    }

    #[test]
    fn plant_talk_reads_the_same_in_any_case(
        text in plant_talk(),
        mask in prop::collection::vec(any::<bool>(), 1..16),
        lang in lang(),
    ) {
        let v = vocabulary();
        let mixed = mixed_case(&text, &mask);
        // Some letters do not come back from a change of case (İ, ß).
        prop_assume!(lowered(&mixed) == lowered(&text));
        let base = place(&v, &text, lang);
        same_but_case(&base, &place(&v, &mixed, lang), &text, &mixed);
        let upper = text.to_uppercase();
        if lowered(&upper) == lowered(&text) {
            same_but_case(&base, &place(&v, &upper, lang), &text, &upper);
        }
    }

    #[test]
    fn any_unicode_reads_the_same_in_any_case(text in "\\PC{0,80}", lang in lang()) {
        let v = vocabulary();
        let upper = text.to_uppercase();
        prop_assume!(lowered(&upper) == lowered(&text));
        same_but_case(&place(&v, &text, lang), &place(&v, &upper, lang), &text, &upper);
    }

    #[test]
    fn a_lone_number_is_never_placed(n in 0u64..10_000_000, pad in "[ #.*]{0,3}", lang in lang()) {
        let v = vocabulary();
        prop_assert_eq!(place(&v, &format!("{pad}{n}{pad}"), lang), None);
    }
}

#[test]
fn long_messages_are_read_in_bounded_time() {
    let v = vocabulary();
    let long = "M-O4 stukkend maintenence needed so 42 ".repeat(2_000);
    let p = place(&v, &long, Lang::En).unwrap();
    assert_eq!(p.flow, ORDER_STATUS);
    let words = "breakdwon please ".repeat(5_000);
    assert!(place(&v, &words, Lang::Zu).is_some());
}
