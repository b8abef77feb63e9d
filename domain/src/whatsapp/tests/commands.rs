//! Global commands, the idle timeout, bad answers and odd inputs.

use super::*;
use crate::whatsapp::engine::{step, Why};

/// A bot part-way through completing job 1234, at the scrap question.
fn at_scrap(lang: Lang) -> Bot {
    let mut bot = Bot::new(lang);
    bot.send(Input::Start {
        flow: "my_jobs".into(),
        fields: map(&[("job", "1234"), ("do", "complete")]),
    });
    bot.text("98");
    assert_eq!(bot.at(), (Some("my_jobs"), Some("scrap")));
    bot
}

#[test]
fn menu_and_zero_go_back_to_the_main_menu_from_anywhere() {
    for word in ["menu", "MENU", " Menu! ", "kieslys", "imenyu"] {
        let mut bot = Bot::new(Lang::En);
        bot.text("jobs");
        bot.text("1");
        bot.text(word);
        assert_eq!(bot.at(), (Some("menu"), Some("main")), "{word}");
        assert!(bot.conv.fields.is_empty());
        assert!(matches!(
            bot.events.last(),
            Some(FlowEvent::Left { why: Why::Menu, .. })
        ));
    }
    let mut bot = Bot::new(Lang::En);
    bot.text("order");
    bot.text("0");
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
}

#[test]
fn zero_answers_a_quantity_question_instead_of_leaving() {
    let mut bot = at_scrap(Lang::En);
    bot.text("0");
    assert_eq!(bot.at(), (Some("my_jobs"), Some("check")));
    assert_eq!(bot.conv.fields["scrap"], "0");
    bot.text("menu");
    assert_eq!(
        bot.at(),
        (Some("menu"), Some("main")),
        "the word still works"
    );
}

#[test]
fn cancel_drops_the_flow_says_so_and_shows_the_menu() {
    for (lang, word) in [
        (Lang::En, "cancel"),
        (Lang::Af, "kanselleer"),
        (Lang::Zu, "khansela"),
    ] {
        let mut bot = at_scrap(lang);
        let r = bot.text(word);
        assert_eq!(r[0], Reply::Text(bot.t("bot.cancelled")), "{lang}");
        assert_eq!(r[1].body(), bot.t("menu.text"));
        assert_eq!(bot.at(), (Some("menu"), Some("main")));
        assert!(bot.conv.fields.is_empty());
        assert!(bot.actions.is_empty(), "nothing was done");
    }
    // With nothing in progress there is nothing to report as cancelled.
    let mut bot = Bot::new(Lang::En);
    let r = bot.text("cancel");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].body(), "What do you need? Choose from the list.");
}

#[test]
fn help_answers_and_changes_nothing() {
    for (lang, word) in [(Lang::En, "help"), (Lang::Af, "hulp"), (Lang::Zu, "usizo")] {
        let mut bot = at_scrap(lang);
        let before = bot.conv.clone();
        let r = bot.text(word);
        assert_eq!(r, [Reply::Text(bot.t("bot.help"))]);
        assert_eq!(bot.conv.fields, before.fields);
        assert_eq!(bot.at(), (Some("my_jobs"), Some("scrap")));
        bot.text("1");
        assert_eq!(bot.conv.fields["scrap"], "1", "the question still stands");
    }
}

#[test]
fn cancelling_at_the_confirmation_does_nothing() {
    let mut bot = at_scrap(Lang::Af);
    bot.text("2");
    let r = bot.text("nee");
    assert_eq!(r[0], Reply::Text("Gekanselleer.".into()));
    assert!(bot.actions.is_empty());
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
}

#[test]
fn a_bad_quantity_is_asked_again_with_the_reason_keeping_the_fields() {
    let mut bot = at_scrap(Lang::En);
    for bad in ["lots", "-3", "1.2345678", "2,5,0"] {
        let r = bot.text(bad);
        assert_eq!(
            r,
            [Reply::Text(
                "Please send a quantity of 0 or more, like 12 or 2.5.\n\nScrap quantity? (0 if none)"
                    .into()
            )],
            "{bad}"
        );
        assert_eq!(bot.conv.fields["good"], "98");
        assert_eq!(bot.conv.fields["job"], "1234");
    }
    bot.text(" 2.5 ");
    assert_eq!(bot.conv.fields["scrap"], "2.5");
}

#[test]
fn a_too_short_description_is_asked_again_in_the_persons_language() {
    let mut bot = Bot::new(Lang::Zu);
    bot.send(Input::Start {
        flow: "request_maintenance".into(),
        fields: map(&[("machine", "M-01"), ("priority", "low")]),
    });
    let r = bot.text("x");
    let want = format!(
        "{}\n\n{}",
        bot.texts
            .render(Lang::Zu, "err.too_short", &map(&[("min", "3")])),
        bot.t("maint.describe")
    );
    assert_eq!(r, [Reply::Text(want)]);
}

#[test]
fn idle_timeout_returns_to_the_menu_once_and_never_loops() {
    let mut bot = at_scrap(Lang::En);
    bot.now += 31 * MINUTE;
    let r = bot.text("5");
    assert_eq!(
        r[0],
        Reply::Text("That took a while, so I stopped. Back to the menu.".into())
    );
    assert_eq!(r[1].body(), "What do you need? Choose from the list.");
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
    assert!(bot.conv.fields.is_empty(), "the late answer was not used");
    assert!(bot.conv.timeout_noticed);
    assert!(matches!(
        bot.events.last(),
        Some(FlowEvent::Left {
            why: Why::Timeout,
            ..
        })
    ));

    // Another long silence at the main menu: no second notice, the message
    // is read normally.
    bot.now += 5 * 60 * MINUTE;
    let r = bot.text("4");
    assert_eq!(r[0].body(), bot.t("order.ask"));
    assert!(!bot.conv.timeout_noticed);
    let timeouts = bot
        .events
        .iter()
        .filter(|e| {
            matches!(
                e,
                FlowEvent::Left {
                    why: Why::Timeout,
                    ..
                }
            )
        })
        .count();
    assert_eq!(timeouts, 1);
}

#[test]
fn no_timeout_notice_without_a_flow_in_progress() {
    let mut bot = Bot::new(Lang::En);
    bot.text("order");
    bot.text("SO-0042"); // done; the flow ended
    bot.now += 48 * 60 * MINUTE;
    let r = bot.text("hello");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].body(), "What do you need? Choose from the list.");
    // A fresh conversation never times out either.
    let mut fresh = Bot::new(Lang::En);
    fresh.now = i64::MAX / 2;
    let r = fresh.text("jobs");
    assert_eq!(r[0].body(), "Which job?");
}

#[test]
fn a_placed_intent_after_a_long_silence_starts_at_once() {
    let mut bot = at_scrap(Lang::En);
    bot.now += 2 * 60 * MINUTE;
    let r = bot.send(Input::Start {
        flow: "order_status".into(),
        fields: map(&[("order", "SO-0042")]),
    });
    assert_eq!(
        r[0].body(),
        "SO-0042 · Acme Toys\nDue 2025-06-30 · In production · 60% done"
    );
    assert!(matches!(
        bot.events
            .iter()
            .find(|e| matches!(e, FlowEvent::Left { .. })),
        Some(FlowEvent::Left {
            why: Why::Replaced,
            ..
        })
    ));
}

#[test]
fn unplaceable_text_shows_the_menu_and_nonsense_in_a_menu_says_why() {
    let mut bot = Bot::new(Lang::En);
    let r = bot.text("good morning");
    assert_eq!(r[0].body(), "What do you need? Choose from the list.");
    let r = bot.text("qwerty");
    assert_eq!(
        r[0].body(),
        "Sorry, I did not understand. Reply with a number from the list.\n\nWhat do you need? Choose from the list."
    );
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
}

#[test]
fn a_trigger_inside_another_flow_switches_flows() {
    let mut bot = Bot::new(Lang::En);
    bot.text("jobs");
    let r = bot.text("order");
    assert_eq!(r[0].body(), bot.t("order.ask"));
    assert_eq!(bot.at(), (Some("order_status"), Some("which")));
}

#[test]
fn an_old_button_tapped_later_is_refused_and_the_step_shown_again() {
    let mut bot = Bot::new(Lang::En);
    bot.text("jobs");
    let list = bot.last.clone();
    bot.text("1");
    bot.last = list; // tap a row of the job list, now gone
    let r = bot.tap("1235 Bunny ears");
    assert!(r[0]
        .body()
        .starts_with("That choice has expired.\n\n1234 Teddy body"));
    assert_eq!(bot.at(), (Some("my_jobs"), Some("what")));
}

#[test]
fn media_is_not_read_and_the_question_stands() {
    let mut bot = at_scrap(Lang::Af);
    let r = bot.send(Input::Media {
        kind: "image".into(),
    });
    assert!(r[0]
        .body()
        .starts_with("Ek kan hier net teks en knoppies lees."));
    assert_eq!(bot.at(), (Some("my_jobs"), Some("scrap")));
}

#[test]
fn a_message_while_an_action_is_awaited_is_not_lost_silently() {
    let bot = Bot::new(Lang::En);
    let conv = Conversation::new(Lang::En);
    let start = Input::Start {
        flow: "my_jobs".into(),
        fields: map(&[("job", "1234"), ("do", "pause")]),
    };
    let out = step(&bot.flows, &bot.texts, conv, start, 0, CFG);
    assert_eq!(
        out.request,
        Some(Request::Action {
            name: "job.pause".into(),
            fields: map(&[("job", "1234")])
        })
    );
    // The service never answered; the person writes again.
    let out = step(
        &bot.flows,
        &bot.texts,
        out.conv,
        Input::Text("hello?".into()),
        1,
        CFG,
    );
    assert_eq!(
        out.replies[0].body(),
        "Sorry, that did not go through. Please try again."
    );
    assert_eq!(out.conv.flow.as_deref(), Some("menu"));
    // A late answer is still told, and changes nothing.
    let late = Input::Done {
        ok: true,
        text: Some("Job 1234 paused.".into()),
        vars: BTreeMap::new(),
    };
    let before = out.conv.clone();
    let out = step(&bot.flows, &bot.texts, out.conv, late, 2, CFG);
    assert_eq!(out.replies, [Reply::Text("Job 1234 paused.".into())]);
    assert_eq!(out.conv, before);
    // Stale data is ignored.
    let data = Input::Data {
        source: "machines".into(),
        items: vec![item("M-01", "M-01", None)],
    };
    let out = step(&bot.flows, &bot.texts, before.clone(), data, 3, CFG);
    assert!(out.replies.is_empty());
    assert_eq!(out.conv, before);
}

#[test]
fn typed_labels_are_forgiving() {
    let mut bot = Bot::new(Lang::En);
    bot.text("menu");
    bot.text("order statsu"); // a typo
    assert_eq!(bot.at(), (Some("order_status"), Some("which")));
    bot.text("menu");
    bot.text("talk"); // the start of a label
    assert_eq!(bot.handoffs, 1);
    bot.text("menu");
    bot.text("REPORT A BREAKDOWN.");
    assert_eq!(bot.at(), (Some("request_maintenance"), Some("machine")));
    bot.text("#2");
    assert_eq!(bot.conv.fields["machine"], "M-02");
}
