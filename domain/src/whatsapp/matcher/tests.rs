//! The matcher against the shipped flows and the demo plant's machines:
//! a table of phrases in three languages, then the placed starts run
//! through the engine to the service call they lead to.

use super::*;
use crate::whatsapp::tests::{map, shipped_defs, shipped_flows, Bot};
use Lang::{Af, En, Zu};

/// The demo plant's machines (service/src/seed_master.rs) and the test
/// bot's M-01 … M-25.
pub fn machines() -> Vec<String> {
    let seeded = [
        "CUT-01", "CUT-02", "EMB-01", "EMB-02", "SEW-01", "SEW-02", "SEW-03", "SEW-04", "STUFF-01",
        "FIN-01", "FIN-02", "PACK-01",
    ];
    let numbered = (1..=25).map(|n| format!("M-{n:02}"));
    seeded
        .iter()
        .map(|s| s.to_string())
        .chain(numbered)
        .collect()
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary::new(&shipped_flows(), machines())
}

/// Expected: `None`, or the flow and its fields (`"@"` stands for the
/// message itself as the description).
type Want = Option<(&'static str, &'static [(&'static str, &'static str)])>;

const RM: &str = REQUEST_MAINTENANCE;

const TABLE: &[(Lang, &str, Want)] = &[
    // ---- request maintenance: codes as typed, typos, ambiguity
    (
        En,
        "M-04 broke down",
        Some((RM, &[("machine", "M-04"), ("description", "@")])),
    ),
    (
        En,
        "m04 is broken",
        Some((RM, &[("machine", "M-04"), ("description", "@")])),
    ),
    (
        En,
        "machine M-4 down",
        Some((RM, &[("machine", "M-04"), ("description", "@")])),
    ),
    (
        Af,
        "M-O4 stukkend",
        Some((RM, &[("machine", "M-04"), ("description", "@")])),
    ),
    (
        Zu,
        "EMB-01 kuphukile",
        Some((RM, &[("machine", "EMB-01"), ("description", "@")])),
    ),
    (
        En,
        "M-04 BROKE DOWN!!",
        Some((RM, &[("machine", "M-04"), ("description", "@")])),
    ),
    (
        En,
        "emb 1 not working",
        Some((RM, &[("machine", "EMB-01"), ("description", "@")])),
    ),
    (
        En,
        "EBM-01 broken",
        Some((RM, &[("machine", "EMB-01"), ("description", "@")])),
    ),
    (
        En,
        "SWE-03 jammed again",
        Some((RM, &[("machine", "SEW-03"), ("description", "@")])),
    ),
    (
        En,
        "maintenence needed on STUF-01",
        Some((RM, &[("machine", "STUFF-01"), ("description", "@")])),
    ),
    (En, "FIN-03 broken", Some((RM, &[("description", "@")]))), // FIN-01 or FIN-02?
    (En, "SEW-0 is broken", Some((RM, &[("description", "@")]))), // SEW-01 … SEW-04
    (
        En,
        "M-04 and M-05 broke down",
        Some((RM, &[("description", "@")])),
    ),
    (En, "FIN-03", None), // ambiguous and no trigger
    (En, "M-04", Some((RM, &[("machine", "M-04")]))),
    (En, "machine m 04", Some((RM, &[("machine", "M-04")]))),
    (En, "broken", Some((RM, &[]))),
    (En, "machine down", Some((RM, &[]))),
    (
        En,
        "my machine is broken",
        Some((RM, &[("description", "@")])),
    ),
    (
        En,
        "breakdwon on line 2",
        Some((RM, &[("description", "@")])),
    ),
    (
        Af,
        "die masjien is onklaar",
        Some((RM, &[("description", "@")])),
    ),
    (
        Af,
        "SEW-02 werk nie",
        Some((RM, &[("machine", "SEW-02"), ("description", "@")])),
    ),
    (Zu, "umshini uphukile", Some((RM, &[("description", "@")]))),
    (
        Zu,
        "cut-2 ayisebenzi",
        Some((RM, &[("machine", "CUT-02"), ("description", "@")])),
    ),
    // ---- my jobs: job numbers, verbs, quantities
    (
        En,
        "start job 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "start")])),
    ),
    (
        En,
        "pause job 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "pause")])),
    ),
    (
        En,
        "complete job 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "complete")])),
    ),
    (
        En,
        "job 1234 done",
        Some((MY_JOBS, &[("job", "1234"), ("do", "complete")])),
    ),
    (En, "Job #1234", Some((MY_JOBS, &[("job", "1234")]))),
    (En, "job no. 1234", Some((MY_JOBS, &[("job", "1234")]))),
    (
        En,
        "start 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "start")])),
    ),
    (
        En,
        "1234 done",
        Some((MY_JOBS, &[("job", "1234"), ("do", "complete")])),
    ),
    (
        En,
        "compelte job 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "complete")])),
    ),
    (
        En,
        "complete job 1234 good 120 scrap 3",
        Some((
            MY_JOBS,
            &[
                ("job", "1234"),
                ("do", "complete"),
                ("good", "120"),
                ("scrap", "3"),
            ],
        )),
    ),
    (
        En,
        "start job 1234 and 1235",
        Some((MY_JOBS, &[("job", "1234"), ("do", "start")])),
    ),
    (En, "job 1234 or job 1235", Some((MY_JOBS, &[]))),
    (En, "my jobs", Some((MY_JOBS, &[]))),
    (En, "start job", Some((MY_JOBS, &[("do", "start")]))),
    (
        Af,
        "begin werk 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "start")])),
    ),
    (
        Af,
        "taak 77 is klaar",
        Some((MY_JOBS, &[("job", "77"), ("do", "complete")])),
    ),
    (
        Af,
        "voltooi taak 77 goed 10 skroot 2,5",
        Some((
            MY_JOBS,
            &[
                ("job", "77"),
                ("do", "complete"),
                ("good", "10"),
                ("scrap", "2,5"),
            ],
        )),
    ),
    (
        Zu,
        "qala umsebenzi 1234",
        Some((MY_JOBS, &[("job", "1234"), ("do", "start")])),
    ),
    (
        Zu,
        "umsebenzi 55 ngiqedile",
        Some((MY_JOBS, &[("job", "55"), ("do", "complete")])),
    ),
    (
        Zu,
        "misa umsebenzi 55",
        Some((MY_JOBS, &[("job", "55"), ("do", "pause")])),
    ),
    // ---- order status: numbers as typed, canonical
    (
        En,
        "order SO-0042",
        Some((ORDER_STATUS, &[("order", "SO-0042")])),
    ),
    (En, "so 42", Some((ORDER_STATUS, &[("order", "SO-0042")]))),
    (
        En,
        "where is SO-2026-0042",
        Some((ORDER_STATUS, &[("order", "SO-2026-0042")])),
    ),
    (En, "so0042?", Some((ORDER_STATUS, &[("order", "SO-0042")]))),
    (En, "S0-0042", Some((ORDER_STATUS, &[("order", "SO-0042")]))),
    (
        En,
        "so 2026 42",
        Some((ORDER_STATUS, &[("order", "SO-2026-0042")])),
    ),
    (
        En,
        "mo-2026-7 status",
        Some((ORDER_STATUS, &[("order", "MO-2026-0007")])),
    ),
    (En, "SO-0042 or SO-0043?", Some((ORDER_STATUS, &[]))),
    (En, "order status", Some((ORDER_STATUS, &[]))),
    (
        Af,
        "bestelling SO-0042",
        Some((ORDER_STATUS, &[("order", "SO-0042")])),
    ),
    (Af, "bestelling status", Some((ORDER_STATUS, &[]))),
    (
        Zu,
        "i-oda so-0042 ikuphi",
        Some((ORDER_STATUS, &[("order", "SO-0042")])),
    ),
    // ---- maintenance status
    (En, "my requests", Some((MAINTENANCE_STATUS, &[]))),
    (En, "status of my repair", Some((MAINTENANCE_STATUS, &[]))),
    (En, "show my open requests", Some((MAINTENANCE_STATUS, &[]))),
    (Af, "my versoeke", Some((MAINTENANCE_STATUS, &[]))),
    (Zu, "izicelo zami", Some((MAINTENANCE_STATUS, &[]))),
    // ---- talk to a person
    (En, "talk to a person", Some((TALK_TO_PERSON, &[]))),
    (En, "human", Some((TALK_TO_PERSON, &[]))),
    (En, "help me person", Some((TALK_TO_PERSON, &[]))),
    (
        En,
        "can I speak to someone please",
        Some((TALK_TO_PERSON, &[])),
    ),
    (En, "supervisr", Some((TALK_TO_PERSON, &[]))),
    (Af, "praat met iemand", Some((TALK_TO_PERSON, &[]))),
    (Zu, "khuluma nomuntu", Some((TALK_TO_PERSON, &[]))),
    (En, "khuluma nomuntu", Some((TALK_TO_PERSON, &[]))), // any language's phrase
    (En, "mens", Some((TALK_TO_PERSON, &[]))),            // a whole short foreign word
    // ---- other flows by their triggers
    (Zu, "isizulu", Some(("language", &[]))),
    (En, "I want afrikaans", Some(("language", &[]))),
    // ---- nothing to place
    (En, "good morning", None),
    (En, "thanks", None),
    (En, "ok", None),
    (En, "OK!", None),
    (En, "hello there", None),
    (En, "see you tomorrow", None),
    (En, "", None),
    (En, "   ", None),
    (En, "2", None),
    (En, "1234", None),
    (En, "#3", None),
    (En, "2,5", None),
    (En, "0", None),
    (En, "menu", None),
    (En, "Cancel.", None),
    (En, "help", None),
    (En, "?", None),
    (En, "yes", None),
    (Af, "nee", None),
    (Af, "dankie", None),
    (Af, "goeie môre", None),
    (Af, "ek werk 5 ure", None), // werk alone is work, not a job
    (Af, "ek is klaar", None),   // klaar is no typo of onklaar
    (En, "take a break", None),  // "take" is Afrikaans for jobs
    (En, "the mens room", None), // a short foreign word inside a sentence
    (En, "I'm 4 minutes late", None),
    (En, "so 2 more", None),
    (En, "h2o", None),
    (En, "meet at 4pm", None),
    (En, "job status", None), // my jobs or maintenance status: a tie
    (Zu, "sawubona", None),
    (Zu, "ngiyabonga", None),
];

fn expected(text: &str, want: Want) -> Option<Placed> {
    want.map(|(flow, fields)| Placed {
        flow: flow.to_string(),
        fields: fields
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    if *v == "@" { text.trim() } else { v }.to_string(),
                )
            })
            .collect(),
    })
}

#[test]
fn the_table_places_each_phrase() {
    let v = vocabulary();
    assert!(TABLE.len() >= 40);
    let mut wrong = Vec::new();
    for (lang, text, want) in TABLE {
        let got = place(&v, text, *lang);
        let want = expected(text, *want);
        if got != want {
            wrong.push(format!(
                "{lang} {text:?}\n   got  {got:?}\n   want {want:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_language_of_the_table_is_covered() {
    for lang in Lang::ALL {
        let placed = TABLE.iter().filter(|(l, _, w)| *l == lang && w.is_some());
        assert!(placed.count() >= 8, "{lang}");
    }
}

#[test]
fn a_flow_the_plant_does_not_have_is_never_placed() {
    let defs = shipped_defs()
        .into_iter()
        .filter(|(_, d)| d.id != MY_JOBS && d.id != ORDER_STATUS)
        .collect();
    let v = Vocabulary::new(&FlowSet::new(defs).unwrap(), machines());
    assert_eq!(place(&v, "start job 1234", En), None);
    assert_eq!(place(&v, "order SO-0042", En), None);
    assert_eq!(place(&v, "M-04 broke down", En).unwrap().flow, RM);
}

#[test]
fn without_machines_a_code_is_only_text() {
    let v = Vocabulary::new(&shipped_flows(), vec![]);
    assert_eq!(place(&v, "M-04", En), None);
    let p = place(&v, "M-04 broke down", En).unwrap();
    assert_eq!(p.fields, map(&[("description", "M-04 broke down")]));
}

#[test]
fn order_prefixes_are_configurable() {
    let v = vocabulary().with_order_prefixes(["PO-", "so"]);
    assert_eq!(v.order_prefixes(), ["PO", "SO"]);
    let p = place(&v, "po 7788", En).unwrap();
    assert_eq!(p.fields, map(&[("order", "PO-7788")]));
    assert_eq!(place(&v, "MO-0042", En), None);
}

#[test]
fn the_vocabulary_keeps_codes_once_and_the_flows_triggers() {
    let v = Vocabulary::new(
        &shipped_flows(),
        vec![" M-04 ".into(), "M-04".into(), "-".into()],
    );
    assert_eq!(v.machines(), ["M-04"]);
    assert_eq!(
        v.triggers()[TALK_TO_PERSON][&Zu],
        ["umuntu", "khuluma nomuntu", "umphathi"]
    );
    assert!(!v.triggers().contains_key(MAIN_MENU));
}

/// Each placed start, run through the engine and the fake plant, reaches
/// the service call its fields name (the shipped flows take them as is).
#[test]
fn placed_starts_run_through_the_shipped_flows() {
    let v = vocabulary();
    let run = |lang: Lang, text: &str, then: &[&str]| {
        let mut bot = Bot::new(lang);
        bot.send(place(&v, text, lang).expect(text).into_input());
        for t in then {
            bot.text(t);
        }
        bot
    };

    let bot = run(En, "start job 1234", &[]);
    assert_eq!(bot.actions, [("job.start".into(), map(&[("job", "1234")]))]);
    let bot = run(Zu, "misa umsebenzi 1235", &[]);
    assert_eq!(bot.actions, [("job.pause".into(), map(&[("job", "1235")]))]);
    let bot = run(En, "complete job 1234 good 120 scrap 2,5", &["yes"]);
    assert_eq!(
        bot.actions,
        [(
            "job.complete".into(),
            map(&[("job", "1234"), ("good", "120"), ("scrap", "2.5")])
        )]
    );

    // The machine is taken, the priority asked, the description kept.
    let bot = run(Af, "M-O4 stukkend", &[]);
    assert_eq!(bot.at(), (Some(RM), Some("priority")));
    let bot = run(Af, "M-O4 stukkend", &["2", "ja"]);
    assert_eq!(
        bot.actions,
        [(
            "maintenance.create".into(),
            map(&[
                ("machine", "M-04"),
                ("priority", "high"),
                ("description", "M-O4 stukkend")
            ])
        )]
    );
    // Ambiguous: the machine is asked for.
    let bot = run(En, "FIN-03 broken", &[]);
    assert_eq!(bot.at(), (Some(RM), Some("machine")));

    let bot = run(En, "where is so 42", &[]);
    assert_eq!(
        bot.actions,
        [("order.status".into(), map(&[("order", "SO-0042")]))]
    );
    let bot = run(Zu, "khuluma nomuntu", &[]);
    assert_eq!(bot.handoffs, 1);
    let bot = run(En, "status of my repair", &[]);
    assert_eq!(bot.at(), (Some(MAINTENANCE_STATUS), Some("pick")));
}
