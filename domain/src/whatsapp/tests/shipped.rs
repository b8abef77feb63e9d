//! The files in `service/flows/` as shipped: they load, validate, and every
//! text exists in every language within Meta's limits.

use super::*;
use crate::whatsapp::flow::{
    validate, Step, ENGINE_KEYS, MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_ROWS, MAX_ROW_TITLE,
};
use crate::whatsapp::texts::placeholders;

#[test]
fn every_shipped_flow_file_validates() {
    let flows = shipped_flows();
    let texts = shipped_texts();
    if let Err(errors) = validate(&flows, &texts, SOURCES, ACTIONS) {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("shipped flows are invalid:\n{}", lines.join("\n"));
    }
}

#[test]
fn the_shipped_flows_are_the_six_of_the_brief() {
    let ids: Vec<String> = shipped_flows().flows.keys().cloned().collect();
    assert_eq!(
        ids,
        [
            "language",
            "maintenance_status",
            "menu",
            "my_jobs",
            "order_status",
            "request_maintenance",
            "talk_to_person"
        ]
    );
    for (file, def) in shipped_defs() {
        assert_eq!(
            file,
            format!("{}.toml", def.id),
            "one file per flow, named by its id"
        );
    }
}

#[test]
fn every_key_exists_in_every_language_with_the_same_placeholders() {
    let texts = shipped_texts();
    let en = &texts.langs[&Lang::En];
    assert!(en.0.len() > 100, "the English catalogue loaded");
    for lang in Lang::ALL {
        let cat = &texts.langs[&lang];
        let keys: Vec<&String> = cat.0.keys().collect();
        let en_keys: Vec<&String> = en.0.keys().collect();
        assert_eq!(keys, en_keys, "{lang} has exactly the English keys");
        for (key, t) in &cat.0 {
            assert_eq!(placeholders(t), placeholders(&en.0[key]), "{lang} {key}");
            assert!(!t.trim().is_empty(), "{lang} {key} is empty");
        }
    }
    assert_eq!(texts.problems(), vec![]);
}

#[test]
fn translations_are_really_translated() {
    let texts = shipped_texts();
    // Names and codes may be the same everywhere; sentences may not.
    for key in [
        "bot.help",
        "bot.timeout",
        "menu.text",
        "jobs.good",
        "maint.confirm",
        "person.wait",
    ] {
        let en = texts.get(Lang::En, key).unwrap();
        assert_ne!(texts.get(Lang::Af, key).unwrap(), en, "af {key}");
        assert_ne!(texts.get(Lang::Zu, key).unwrap(), en, "zu {key}");
    }
}

#[test]
fn button_and_row_titles_fit_in_every_language() {
    let flows = shipped_flows();
    let texts = shipped_texts();
    for def in flows.flows.values() {
        for (sid, step) in &def.steps {
            let Step::Menu { options, .. } = step else {
                continue;
            };
            assert!(options.len() <= MAX_ROWS, "{}/{sid}", def.id);
            let max = if options.len() <= MAX_BUTTONS {
                MAX_BUTTON_TITLE
            } else {
                MAX_ROW_TITLE
            };
            for o in options {
                for lang in Lang::ALL {
                    let t = texts.get(lang, &o.label).unwrap();
                    assert!(t.chars().count() <= max, "{lang} {:?} is over {max}", t);
                }
            }
        }
    }
    for (key, max) in ENGINE_KEYS {
        if let Some(max) = max {
            for lang in Lang::ALL {
                let t = texts.get(lang, key).unwrap();
                assert!(
                    t.chars().count() <= *max,
                    "{lang} {key} {t:?} is over {max}"
                );
            }
        }
    }
}

#[test]
fn the_main_menu_is_a_list_and_job_actions_are_buttons() {
    let flows = shipped_flows();
    let Some(Step::Menu { options, .. }) = flows.step("menu", "main") else {
        panic!("menu/main is a menu");
    };
    assert!(options.len() > MAX_BUTTONS && options.len() <= MAX_ROWS);
    let Some(Step::Menu { options, .. }) = flows.step("my_jobs", "what") else {
        panic!("my_jobs/what is a menu");
    };
    assert_eq!(options.len(), 3);
}

#[test]
fn shipped_flows_name_only_the_registered_sources_and_actions() {
    let flows = shipped_flows();
    let mut sources = std::collections::BTreeSet::new();
    let mut actions = std::collections::BTreeSet::new();
    for def in flows.flows.values() {
        for step in def.steps.values() {
            match step {
                Step::Choose { source, .. } => {
                    sources.insert(source.as_str());
                }
                Step::Action { name, .. } => {
                    actions.insert(name.as_str());
                }
                _ => {}
            }
        }
    }
    let want_s: std::collections::BTreeSet<&str> = SOURCES.iter().copied().collect();
    let want_a: std::collections::BTreeSet<&str> = ACTIONS.iter().copied().collect();
    assert_eq!(sources, want_s);
    assert_eq!(actions, want_a);
}

#[test]
fn conversation_state_round_trips_through_json() {
    let mut bot = Bot::new(Lang::Af);
    bot.text("hallo");
    bot.text("1");
    let json = serde_json::to_string(&bot.conv).unwrap();
    let back: Conversation = serde_json::from_str(&json).unwrap();
    assert_eq!(back, bot.conv);
    // Older rows without the newer fields still load.
    let old: Conversation = serde_json::from_str(r#"{"lang":"zu","last_at_ms":5}"#).unwrap();
    assert_eq!(old.lang, Lang::Zu);
    assert_eq!(old.flow, None);
}
