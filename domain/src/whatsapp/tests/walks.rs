//! Each shipped flow walked end to end with scripted messages, in English,
//! and the main ones in Afrikaans and isiZulu too.

use super::*;
use crate::whatsapp::engine::Why;

fn completed(bot: &Bot, flow: &str) -> bool {
    bot.events
        .contains(&FlowEvent::Completed { flow: flow.into() })
}

#[test]
fn first_message_shows_the_main_menu_as_a_list() {
    let mut bot = Bot::new(Lang::En);
    let r = bot.text("hi");
    assert_eq!(r.len(), 1);
    let Reply::List { body, button, rows } = &r[0] else {
        panic!("a list: {r:#?}");
    };
    assert_eq!(body, "What do you need? Choose from the list.");
    assert_eq!(button, "Choose");
    let t: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        t,
        [
            "My jobs",
            "Report a breakdown",
            "My repair requests",
            "Order status",
            "Talk to a person",
            "Language · Taal · Ulimi"
        ]
    );
    assert_eq!(rows[0].2.as_deref(), Some("Start, pause or complete a job"));
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
}

#[test]
fn my_jobs_complete_with_good_and_scrap_in_english() {
    let mut bot = Bot::new(Lang::En);
    bot.text("hi");
    let r = bot.tap("My jobs");
    assert_eq!(r.len(), 1, "the data request is answered within the turn");
    assert_eq!(r[0].body(), "Which job?");
    assert_eq!(titles(&r[0]), ["1234 Teddy body", "1235 Bunny ears"]);
    assert!(
        matches!(r[0], Reply::List { .. }),
        "items with details show as a list"
    );

    let r = bot.tap("1234 Teddy body");
    assert_eq!(r[0].body(), "1234 Teddy body\nWhat do you want to do?");
    assert_eq!(titles(&r[0]), ["Start / resume", "Pause", "Complete"]);
    assert!(matches!(r[0], Reply::Buttons { .. }));

    assert_eq!(
        bot.tap("Complete")[0],
        Reply::Text("Good quantity? (e.g. 120)".into())
    );
    assert_eq!(
        bot.text("98")[0],
        Reply::Text("Scrap quantity? (0 if none)".into())
    );
    let r = bot.text("0");
    assert_eq!(
        r[0].body(),
        "Complete job 1234 Teddy body?\nGood: 98\nScrap: 0"
    );
    assert_eq!(titles(&r[0]), ["Yes", "No"]);

    let r = bot.tap("Yes");
    assert_eq!(
        bot.actions,
        [(
            "job.complete".into(),
            map(&[("job", "1234"), ("good", "98"), ("scrap", "0")])
        )]
    );
    assert_eq!(
        r[0].body(),
        "Job 1234 Teddy body completed. Good 98, scrap 0."
    );
    assert_eq!(titles(&r[0]), ["Main menu"], "one tap back to the menu");
    assert_eq!(bot.at(), (None, None));
    assert!(completed(&bot, "my_jobs"));
    assert!(bot.conv.fields.is_empty(), "nothing is kept after the flow");

    bot.tap("Main menu");
    assert_eq!(bot.at(), (Some("menu"), Some("main")));
}

#[test]
fn my_jobs_start_and_pause() {
    let mut bot = Bot::new(Lang::En);
    bot.text("jobs");
    bot.text("2");
    let r = bot.tap("Start / resume");
    assert_eq!(r[0].body(), "Job 1235 Bunny ears started.");
    bot.text("jobs");
    bot.text("1234");
    let r = bot.text("pause");
    assert_eq!(r[0].body(), "Job 1234 Teddy body paused.");
    let names: Vec<&str> = bot.actions.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(names, ["job.start", "job.pause"]);
    assert_eq!(bot.actions[1].1, map(&[("job", "1234")]));
}

#[test]
fn my_jobs_complete_in_all_three_languages() {
    for (lang, yes) in [(Lang::En, "yes"), (Lang::Af, "ja"), (Lang::Zu, "yebo")] {
        let mut bot = Bot::new(lang);
        bot.text("hallo");
        bot.tap(&bot.t("menu.my_jobs"));
        bot.tap("1235 Bunny ears");
        bot.tap(&bot.t("jobs.complete"));
        assert_eq!(bot.said(), bot.t("jobs.good"), "{lang}");
        bot.text("250");
        assert_eq!(bot.said(), bot.t("jobs.scrap"), "{lang}");
        bot.text("1,5");
        assert!(
            bot.said().contains("1.5"),
            "{lang}: a comma decimal is read"
        );
        bot.text(yes);
        let want = bot.texts.render(
            lang,
            "jobs.completed",
            &map(&[
                ("job_label", "1235 Bunny ears"),
                ("good", "250"),
                ("scrap", "1.5"),
            ]),
        );
        assert_eq!(bot.last[0].body(), want, "{lang}");
        assert!(completed(&bot, "my_jobs"), "{lang}");
    }
}

#[test]
fn request_maintenance_in_english() {
    let mut bot = Bot::new(Lang::En);
    bot.text("menu");
    let r = bot.tap("Report a breakdown");
    assert!(r[0].body().starts_with("Which machine?"));
    assert_eq!(titles(&r[0]).len(), 10, "25 machines: 9 and More");
    let r = bot.text("m04");
    assert_eq!(r[0].body(), "How urgent is it?");
    assert_eq!(
        titles(&r[0]),
        ["Critical – machine down", "High", "Medium", "Low"]
    );
    bot.tap("High");
    assert_eq!(bot.said(), "What is wrong? Describe it in a few words.");
    let r = bot.text("Needle keeps breaking");
    assert_eq!(
        r[0].body(),
        "Send this request?\nMachine: M-04 Machine 4\nPriority: High\nProblem: Needle keeps breaking"
    );
    let r = bot.text("yes");
    assert_eq!(
        bot.actions,
        [(
            "maintenance.create".into(),
            map(&[
                ("machine", "M-04"),
                ("priority", "high"),
                ("description", "Needle keeps breaking")
            ])
        )]
    );
    assert_eq!(
        r[0].body(),
        "Request MR-17 is logged for M-04 Machine 4. A technician must respond by 10:45."
    );
    assert!(completed(&bot, "request_maintenance"));
}

#[test]
fn request_maintenance_by_numbers_in_all_three_languages() {
    for lang in Lang::ALL {
        let mut bot = Bot::new(lang);
        bot.text("?"); // help: nothing else changes
        bot.text("xyz");
        bot.text("2");
        assert_eq!(
            bot.at(),
            (Some("request_maintenance"), Some("machine")),
            "{lang}"
        );
        bot.text("3");
        bot.text("1");
        bot.text("Die naald breek / inaliti iyaphuka");
        let confirm = bot.said();
        assert!(confirm.contains("M-03 Machine 3"), "{lang}: {confirm}");
        assert!(confirm.contains("Critical – machine down"), "{lang}");
        bot.text("1"); // Yes
        assert_eq!(bot.actions.len(), 1, "{lang}");
        assert!(bot.said().contains("MR-17"), "{lang}");
    }
}

#[test]
fn placed_intent_skips_filled_steps() {
    let mut bot = Bot::new(Lang::En);
    let r = bot.send(Input::Start {
        flow: "request_maintenance".into(),
        fields: map(&[("machine", "M-04"), ("description", "M-04 broke down")]),
    });
    assert_eq!(
        r[0].body(),
        "How urgent is it?",
        "machine known, so priority next"
    );
    bot.tap("Critical – machine down");
    assert!(bot.said().contains("Machine: M-04\n"), "{}", bot.said());
    assert!(bot.said().contains("Problem: M-04 broke down"));
    bot.tap("Yes");
    assert_eq!(bot.actions[0].1["machine"], "M-04");
    assert_eq!(bot.actions[0].1["priority"], "critical");

    let r = bot.send(Input::Start {
        flow: "my_jobs".into(),
        fields: map(&[("job", "1234"), ("do", "start")]),
    });
    assert_eq!(r[0].body(), "Job 1234 started.");
    assert_eq!(
        bot.actions[1],
        ("job.start".into(), map(&[("job", "1234")]))
    );
}

#[test]
fn a_placed_value_that_does_not_fit_is_asked_for() {
    let mut bot = Bot::new(Lang::En);
    bot.send(Input::Start {
        flow: "my_jobs".into(),
        fields: map(&[("job", "1234"), ("do", "complete"), ("good", "lots")]),
    });
    assert_eq!(bot.said(), "Good quantity? (e.g. 120)");
}

#[test]
fn maintenance_status_shows_time_left() {
    let mut bot = Bot::new(Lang::En);
    bot.text("menu");
    let r = bot.tap("My repair requests");
    assert_eq!(r[0].body(), "Which request?");
    assert_eq!(titles(&r[0]), ["MR-7 M-04 needle", "MR-9 M-11 belt"]);
    let Reply::List { rows, .. } = &r[0] else {
        panic!("details make a list")
    };
    assert_eq!(rows[0].2.as_deref(), Some("Open · 12 min left"));
    let r = bot.text("1");
    assert_eq!(
        bot.actions[0],
        ("maintenance.status".into(), map(&[("request", "MR-7")]))
    );
    assert_eq!(
        r[0].body(),
        "MR-7 M-04 needle\nStatus: Open\nResponse: 12 min left\nRepair: 3 h left"
    );
    assert!(completed(&bot, "maintenance_status"));
}

#[test]
fn order_status_by_number() {
    let mut bot = Bot::new(Lang::En);
    bot.text("order");
    assert!(bot.said().starts_with("Which order?"));
    let r = bot.text("SO-0042");
    assert_eq!(
        bot.actions[0],
        ("order.status".into(), map(&[("order", "SO-0042")]))
    );
    assert_eq!(
        r[0].body(),
        "SO-0042 · Acme Toys\nDue 2025-06-30 · In production · 60% done"
    );
    assert!(completed(&bot, "order_status"));
}

#[test]
fn talk_to_a_person_hands_off_and_the_bot_pauses() {
    let mut bot = Bot::new(Lang::Zu);
    bot.text("sawubona");
    let r = bot.tap("Khuluma nomuntu");
    assert_eq!(
        r,
        [Reply::Text(bot.t("person.wait"))],
        "no menu button: a person takes over"
    );
    assert_eq!(bot.handoffs, 1);
    assert_eq!(bot.at(), (None, None));
    assert!(completed(&bot, "talk_to_person"));
}

#[test]
fn language_change_speaks_the_new_language_at_once() {
    let mut bot = Bot::new(Lang::En);
    let r = bot.text("language");
    assert_eq!(titles(&r[0]), ["English", "Afrikaans", "isiZulu"]);
    let r = bot.tap("Afrikaans");
    assert_eq!(
        bot.actions[0],
        ("set_language".into(), map(&[("lang", "af")]))
    );
    assert_eq!(bot.conv.lang, Lang::Af);
    assert_eq!(r[0].body(), "Reg. Ek praat voortaan Afrikaans.");
    assert_eq!(titles(&r[0]), ["Hoofkieslys"]);
    let r = bot.text("1");
    assert_eq!(r[0].body(), "Waarmee kan ek help? Kies uit die lys.");
    bot.text("taal");
    bot.tap("isiZulu");
    assert_eq!(bot.conv.lang, Lang::Zu);
    assert_eq!(
        bot.said(),
        "Kulungile. Sengizokhuluma isiZulu kusukela manje.\n\n1. Imenyu enkulu"
    );
}

#[test]
fn a_refused_action_says_why_and_ends_the_flow() {
    let mut bot = Bot::new(Lang::En);
    bot.refuse = Some("Job 1234 is already completed.".into());
    bot.send(Input::Start {
        flow: "my_jobs".into(),
        fields: map(&[("job", "1234"), ("do", "start")]),
    });
    assert_eq!(bot.last[0].body(), "Job 1234 is already completed.");
    assert_eq!(titles(&bot.last[0]), ["Main menu"]);
    assert_eq!(bot.at(), (None, None));
    assert!(matches!(
        bot.events.last(),
        Some(FlowEvent::Left {
            why: Why::Refused,
            ..
        })
    ));
}

#[test]
fn no_data_says_so_and_ends() {
    let mut bot = Bot::new(Lang::Af);
    bot.jobs.clear();
    let r = bot.text("take");
    assert_eq!(r[0].body(), "Jy het nou geen oop take nie.");
    assert_eq!(bot.at(), (None, None));
    assert!(matches!(
        bot.events.last(),
        Some(FlowEvent::Left {
            why: Why::Empty,
            ..
        })
    ));
}
