//! How steps look: buttons or a list by the number of choices, paging long
//! data, Meta's title limits, and the numbered plain-text fallback.

use super::*;
use crate::whatsapp::engine::{clip, Offer};

fn machines(n: usize) -> Vec<Item> {
    (1..=n)
        .map(|i| item(&format!("M-{i:02}"), &format!("M-{i:02} Machine {i}"), None))
        .collect()
}

fn at_machines(n: usize) -> Bot {
    let mut bot = Bot::new(Lang::En);
    bot.machines = machines(n);
    bot.text("breakdown");
    bot
}

#[test]
fn up_to_three_plain_items_are_buttons_more_are_a_list() {
    for (n, buttons) in [(1, true), (2, true), (3, true), (4, false), (10, false)] {
        let bot = at_machines(n);
        let r = &bot.last[0];
        assert_eq!(matches!(r, Reply::Buttons { .. }), buttons, "{n} items");
        assert_eq!(titles(r).len(), n, "no paging up to 10");
        assert!(!r.body().contains("Page"), "{n}");
    }
}

#[test]
fn a_detail_makes_even_two_items_a_list() {
    let mut bot = Bot::new(Lang::En);
    let r = bot.text("jobs");
    assert!(matches!(r[0], Reply::List { .. }));
}

#[test]
fn long_data_is_paged_nine_at_a_time_with_more() {
    let mut bot = at_machines(25);
    let first = titles(&bot.last[0]);
    assert_eq!(first.len(), 10);
    assert_eq!(first[0], "M-01 Machine 1");
    assert_eq!(first[9], "More…");
    assert!(bot.last[0].body().ends_with("\nPage 1 of 3"));

    bot.tap("More…");
    let second = titles(&bot.last[0]);
    assert_eq!(second[0], "M-10 Machine 10");
    assert!(bot.last[0].body().ends_with("Page 2 of 3"));
    assert_eq!(bot.at(), (Some("request_maintenance"), Some("machine")));

    bot.text("10"); // "More" is the tenth row in plain text too
    let third = titles(&bot.last[0]);
    assert_eq!(third.len(), 8, "the last 7 and More");
    assert_eq!(third[0], "M-19 Machine 19");

    bot.text("more");
    assert_eq!(
        titles(&bot.last[0])[0],
        "M-01 Machine 1",
        "wraps round to the first page"
    );

    bot.text("2");
    assert_eq!(bot.conv.fields["machine"], "M-02");
}

#[test]
fn a_typed_code_finds_an_item_on_a_page_not_shown() {
    let mut bot = at_machines(25);
    bot.text("m-23");
    assert_eq!(bot.conv.fields["machine"], "M-23");
    assert_eq!(bot.conv.fields["machine_label"], "M-23 Machine 23");
}

#[test]
fn long_titles_are_cut_to_metas_limits_with_an_ellipsis() {
    let mut bot = Bot::new(Lang::En);
    bot.machines = vec![
        item("M-01", "M-01 Twelve-head embroidery Tajima", None),
        item("M-02", "Short", None),
    ];
    bot.text("breakdown");
    let Reply::Buttons { buttons, .. } = &bot.last[0] else {
        panic!("two plain items are buttons");
    };
    assert_eq!(buttons[0].1, "M-01 Twelve-head em…");
    assert_eq!(buttons[0].1.chars().count(), 20);
    assert_eq!(buttons[1].1, "Short");

    bot.machines.push(item("M-03", "x", Some(&"d".repeat(100))));
    bot.machines.push(item("M-04", "y", None));
    bot.text("menu");
    bot.text("breakdown");
    let Reply::List { rows, .. } = &bot.last[0] else {
        panic!("four items are a list");
    };
    assert_eq!(rows[0].1, "M-01 Twelve-head embroi…");
    assert_eq!(rows[0].1.chars().count(), 24);
    assert_eq!(rows[2].2.as_ref().unwrap().chars().count(), 72);
    // The full label is kept for typed answers and for the confirmation.
    bot.text("1");
    assert_eq!(
        bot.conv.fields["machine_label"],
        "M-01 Twelve-head embroidery Tajima"
    );
}

#[test]
fn clip_counts_characters_not_bytes() {
    assert_eq!(
        clip("Kubucayi – umshini umile", 24),
        "Kubucayi – umshini umile"
    );
    assert_eq!(clip("ééééé", 3), "éé…");
    assert_eq!(clip("abc", 3), "abc");
}

#[test]
fn plain_text_numbers_every_choice() {
    let mut bot = Bot::new(Lang::En);
    bot.text("jobs");
    assert_eq!(
        bot.last[0].plain(),
        "Which job?\n\n1. 1234 Teddy body – Sewing · Running · 40/100\n2. 1235 Bunny ears – Embroidery · Ready · 0/250"
    );
    bot.text("1");
    assert_eq!(
        bot.last[0].plain(),
        "1234 Teddy body\nWhat do you want to do?\n\n1. Start / resume\n2. Pause\n3. Complete"
    );
    bot.text("3");
    assert_eq!(bot.last[0].plain(), "Good quantity? (e.g. 120)");
}

#[test]
fn buttons_and_list_rows_map_back_by_id() {
    let mut bot = Bot::new(Lang::En);
    bot.text("jobs");
    let Reply::List { rows, .. } = &bot.last[0] else {
        panic!()
    };
    let id = rows[1].0.clone();
    assert_eq!(id, "pick=1235");
    assert!(bot.conv.offered.contains(&Offer {
        id: id.clone(),
        value: "1235".into(),
        label: "1235 Bunny ears".into()
    }));
    bot.send(Input::Choice { id });
    assert_eq!(bot.conv.fields["job"], "1235");
}

#[test]
fn a_body_too_long_for_buttons_is_sent_as_text_first() {
    let mut bot = Bot::new(Lang::En);
    bot.send(Input::Start {
        flow: "request_maintenance".into(),
        fields: map(&[("machine", "M-01"), ("priority", "low")]),
    });
    let long = "The belt slips. ".repeat(31); // 496 characters, within the 500 allowed
    bot.text(&long);
    bot.conv
        .fields
        .insert("machine_label".into(), "x".repeat(600));
    bot.text("maybe"); // not yes or no: the confirmation is shown again
    let r = &bot.last;
    assert_eq!(r.len(), 2);
    assert!(matches!(&r[0], Reply::Text(t) if t.contains("The belt slips.")));
    assert_eq!(r[1].body(), "Choose one:");
    assert_eq!(titles(&r[1]), ["Yes", "No"]);
}

#[test]
fn repeated_item_ids_are_shown_once() {
    let mut bot = Bot::new(Lang::En);
    bot.machines = vec![
        item("M-01", "M-01", None),
        item("M-01", "M-01 again", None),
        item("M-02", "M-02", None),
    ];
    bot.text("breakdown");
    assert_eq!(titles(&bot.last[0]), ["M-01", "M-02"]);
}
