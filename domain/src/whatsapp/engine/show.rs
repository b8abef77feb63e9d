//! Turning a step into what WhatsApp shows: a text, up to 3 reply buttons,
//! or a list of up to 10 rows (9 and "more" when the data is longer), each
//! within Meta's limits, and the same as numbered plain text for Twilio and
//! old clients.

use super::{Item, Offer, Reply};
use crate::whatsapp::flow::{
    MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY, MAX_LIST_BUTTON, MAX_ROWS,
    MAX_ROW_DESCRIPTION, MAX_ROW_TITLE,
};
use crate::whatsapp::texts::{Lang, Texts};
use std::collections::BTreeMap;

/// Items on one page of a long list, leaving the tenth row for "more".
pub const PAGE: usize = MAX_ROWS - 1;

/// The value of the offer that shows the next page.
pub const MORE: &str = "\u{2026}more";

/// The id of the offer that goes back to the main menu after a flow ends.
pub const MENU_ID: &str = "menu";

/// At most `max` characters, the last one `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A choice to show: the value it stands for, its title, a second line.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub detail: Option<String>,
}

/// The offer id of a choice on `step`: stable across re-showing the same
/// step, so a late tap on an old button still means the same thing.
pub fn offer_id(step: &str, value: &str) -> String {
    if value == MORE {
        format!("{step}:more")
    } else {
        format!("{step}={value}")
    }
}

/// Buttons when there are at most 3 choices and none has a second line,
/// else a list. A body too long for an interactive message is sent as a
/// text first, with a short prompt on the buttons or list.
pub fn choices(
    texts: &Texts,
    lang: Lang,
    step: &str,
    body: String,
    choices: Vec<Choice>,
) -> (Vec<Reply>, Vec<Offer>) {
    let offers: Vec<Offer> = choices
        .iter()
        .map(|c| Offer {
            id: offer_id(step, &c.value),
            value: c.value.clone(),
            label: c.label.clone(),
        })
        .collect();
    let mut replies = Vec::new();
    let body = if body.chars().count() > MAX_INTERACTIVE_BODY {
        replies.push(Reply::Text(body));
        texts.say(lang, "bot.pick")
    } else {
        body
    };
    let buttons = choices.len() <= MAX_BUTTONS && choices.iter().all(|c| c.detail.is_none());
    replies.push(if buttons {
        Reply::Buttons {
            body,
            buttons: offers
                .iter()
                .map(|o| (o.id.clone(), clip(&o.label, MAX_BUTTON_TITLE)))
                .collect(),
        }
    } else {
        Reply::List {
            body,
            button: clip(&texts.say(lang, "bot.list_button"), MAX_LIST_BUTTON),
            rows: offers
                .iter()
                .zip(&choices)
                .map(|(o, c)| {
                    let detail = c.detail.as_deref().map(|d| clip(d, MAX_ROW_DESCRIPTION));
                    (o.id.clone(), clip(&o.label, MAX_ROW_TITLE), detail)
                })
                .collect(),
        }
    });
    (replies, offers)
}

/// Yes and No buttons under `body`.
pub fn yes_no(texts: &Texts, lang: Lang, step: &str, body: String) -> (Vec<Reply>, Vec<Offer>) {
    let c = |value: &str, key: &str| Choice {
        value: value.into(),
        label: texts.say(lang, key),
        detail: None,
    };
    choices(
        texts,
        lang,
        step,
        body,
        vec![c("yes", "bot.yes"), c("no", "bot.no")],
    )
}

/// One page of a choose step's items; past the last page it wraps round.
pub fn page(
    texts: &Texts,
    lang: Lang,
    step: &str,
    body: String,
    items: &[Item],
    page: usize,
) -> (Vec<Reply>, Vec<Offer>) {
    let as_choice = |i: &Item| Choice {
        value: i.id.clone(),
        label: i.label.clone(),
        detail: i.detail.clone(),
    };
    if items.len() <= MAX_ROWS {
        return choices(
            texts,
            lang,
            step,
            body,
            items.iter().map(as_choice).collect(),
        );
    }
    let pages = items.len().div_ceil(PAGE);
    let page = page % pages;
    let mut shown: Vec<Choice> = items
        .iter()
        .skip(page * PAGE)
        .take(PAGE)
        .map(as_choice)
        .collect();
    shown.push(Choice {
        value: MORE.into(),
        label: texts.say(lang, "bot.more"),
        detail: None,
    });
    let vars = BTreeMap::from([
        ("page".to_string(), (page + 1).to_string()),
        ("pages".to_string(), pages.to_string()),
    ]);
    let body = format!("{body}\n{}", texts.render(lang, "bot.page", &vars));
    choices(texts, lang, step, body, shown)
}

impl Reply {
    /// The reply as numbered plain text, for Twilio and clients without
    /// interactive messages; a typed number picks the same choice.
    pub fn plain(&self) -> String {
        match self {
            Reply::Text(t) => t.clone(),
            Reply::Buttons { body, buttons } => {
                let lines: Vec<String> = buttons
                    .iter()
                    .enumerate()
                    .map(|(i, (_, title))| format!("{}. {title}", i + 1))
                    .collect();
                format!("{body}\n\n{}", lines.join("\n"))
            }
            Reply::List { body, rows, .. } => {
                let lines: Vec<String> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, (_, title, detail))| match detail {
                        Some(d) => format!("{}. {title} – {d}", i + 1),
                        None => format!("{}. {title}", i + 1),
                    })
                    .collect();
                format!("{body}\n\n{}", lines.join("\n"))
            }
        }
    }

    /// The main text, whatever the kind of reply.
    pub fn body(&self) -> &str {
        match self {
            Reply::Text(t) => t,
            Reply::Buttons { body, .. } | Reply::List { body, .. } => body,
        }
    }
}

/// After a flow ends: the last text gets a "Main menu" button (one tap to
/// go on), and "1" typed in plain text means the same.
pub fn menu_button(texts: &Texts, lang: Lang, replies: &mut [Reply]) -> Vec<Offer> {
    let label = texts.say(lang, "bot.menu_button");
    let Some(last) = replies.last_mut() else {
        return vec![];
    };
    let Reply::Text(t) = last else {
        return vec![];
    };
    if t.chars().count() > MAX_INTERACTIVE_BODY {
        return vec![];
    }
    *last = Reply::Buttons {
        body: std::mem::take(t),
        buttons: vec![(MENU_ID.to_string(), clip(&label, MAX_BUTTON_TITLE))],
    };
    vec![Offer {
        id: MENU_ID.into(),
        value: MENU_ID.into(),
        label,
    }]
}
