//! Whatever a person sends, in any order and after any silence: the bot
//! always answers, stays within Meta's limits, keeps a valid state, and
//! says the timeout notice at most once per silence.

use super::*;
use crate::whatsapp::engine::current;
use crate::whatsapp::flow::{
    MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_LIST_BUTTON, MAX_ROWS, MAX_ROW_DESCRIPTION, MAX_ROW_TITLE,
};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "hi",
    "1",
    "2",
    "3",
    "4",
    "6",
    "10",
    "menu",
    "0",
    "cancel",
    "help",
    "yes",
    "nee",
    "jobs",
    "breakdown",
    "M-04",
    "more",
    "12",
    "2,5",
    "-1",
    "order",
    "taal",
    "status",
    "person",
    "?",
    "Needle broke",
    "",
];

fn within_limits(r: &Reply) -> bool {
    let n = |s: &str| s.chars().count();
    match r {
        Reply::Text(t) => !t.is_empty(),
        Reply::Buttons { buttons, .. } => {
            (1..=MAX_BUTTONS).contains(&buttons.len())
                && buttons.iter().all(|(_, t)| n(t) <= MAX_BUTTON_TITLE)
        }
        Reply::List { button, rows, .. } => {
            n(button) <= MAX_LIST_BUTTON
                && (1..=MAX_ROWS).contains(&rows.len())
                && rows.iter().all(|(_, t, d)| {
                    n(t) <= MAX_ROW_TITLE && d.as_deref().map_or(0, n) <= MAX_ROW_DESCRIPTION
                })
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_of_messages_is_answered_within_limits(
        lang in 0usize..3,
        steps in prop::collection::vec((0u8..5, 0usize..40, any::<bool>()), 1..40),
    ) {
        let mut bot = Bot::new(Lang::ALL[lang]);
        let flow_ids: Vec<String> = bot.flows.flows.keys().cloned().collect();
        for (kind, i, silent) in steps {
            if silent {
                bot.now += 31 * MINUTE;
            }
            let input = match kind {
                0 | 1 => Input::Text(WORDS[i % WORDS.len()].into()),
                2 if !bot.conv.offered.is_empty() => Input::Choice {
                    id: bot.conv.offered[i % bot.conv.offered.len()].id.clone(),
                },
                2 => Input::Choice { id: format!("old={i}") },
                3 => Input::Media { kind: "image".into() },
                _ => Input::Start { flow: flow_ids[i % flow_ids.len()].clone(), fields: BTreeMap::new() },
            };
            let replies = bot.send(input.clone());
            prop_assert!(!replies.is_empty(), "{input:?} got no answer");
            for r in &replies {
                prop_assert!(within_limits(r), "{r:#?}");
            }
            let notice = bot.t("bot.timeout");
            prop_assert!(replies.iter().filter(|r| r.body() == notice).count() <= 1);
            if bot.conv.flow.is_some() {
                prop_assert!(current(&bot.flows, &bot.conv).is_some(), "{:?}", bot.at());
            }
            let json = serde_json::to_string(&bot.conv).unwrap();
            prop_assert_eq!(serde_json::from_str::<Conversation>(&json).unwrap(), bot.conv.clone());
        }
    }
}
