//! Reading what came in against the step that waits: the person's
//! messages and taps, and the service's answers (data, action results).

use super::parse::{check_answer, command, normalize, pick_item, pick_offer, yes_no, Command};
use super::run::Run;
use super::show::{MENU_ID, MORE};
use super::{Input, Item, Offer, Reply, Why, MAX_ITEMS};
use crate::whatsapp::flow::{InputKind, Step};
use crate::whatsapp::texts::Lang;
use std::collections::BTreeMap;

impl Run<'_> {
    pub fn on_user(&mut self, input: Input) {
        let step = self.step();
        let waiting_action = matches!(step, Some(Step::Action { .. }));
        match input {
            Input::Text(t) => {
                let norm = normalize(&t);
                let numeric_ask = matches!(
                    step,
                    Some(Step::Ask {
                        input: InputKind::Number | InputKind::Quantity,
                        ..
                    })
                );
                match command(&norm) {
                    Some(Command::Menu) if norm == "0" && numeric_ask => {}
                    Some(cmd) => return self.command(cmd),
                    None => {}
                }
                if waiting_action {
                    return self.lost();
                }
                match step {
                    None => self.idle_text(&t, &norm),
                    Some(s) => self.text_at(s, &t, &norm),
                }
            }
            Input::Choice { id } => {
                if let Some(cmd) = command(&id) {
                    return self.command(cmd);
                }
                if waiting_action {
                    return self.lost();
                }
                match self.conv.offered.iter().find(|o| o.id == id).cloned() {
                    Some(o) => self.on_offer(o),
                    None if step.is_some() => self.reshow_with("err.stale", &BTreeMap::new()),
                    None => {
                        self.say("err.stale");
                        self.main_menu()
                    }
                }
            }
            Input::Media { .. } => {
                if waiting_action {
                    return self.lost();
                }
                if step.is_some() {
                    self.reshow_with("err.media", &BTreeMap::new());
                } else {
                    self.say("err.media");
                    self.main_menu();
                }
            }
            _ => {}
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Menu => {
                self.leave(Why::Menu);
                self.main_menu();
            }
            Command::Cancel => {
                if self.conv.in_progress() {
                    self.leave(Why::Cancel);
                    self.say("bot.cancelled");
                }
                self.main_menu();
            }
            Command::Help => self.say("bot.help"),
        }
    }

    /// A message came while an action's answer was awaited (the service
    /// lost it): say so and start over from the menu.
    fn lost(&mut self) {
        self.leave(Why::Lost);
        self.say("err.lost");
        self.main_menu();
    }

    /// The flow whose trigger the whole message is, the person's language
    /// first.
    fn trigger(&self, norm: &str) -> Option<String> {
        let mut langs = vec![self.conv.lang];
        langs.extend(Lang::ALL.into_iter().filter(|l| *l != self.conv.lang));
        langs.into_iter().find_map(|lang| {
            self.flows.flows.iter().find_map(|(id, def)| {
                let words = def.triggers.get(&lang)?;
                words
                    .iter()
                    .any(|w| normalize(w) == norm)
                    .then(|| id.clone())
            })
        })
    }

    fn idle_text(&mut self, t: &str, norm: &str) {
        if let Some(o) = pick_offer(&self.conv.offered, t).cloned() {
            return self.on_offer(o);
        }
        match self.trigger(norm) {
            Some(flow) => self.start(&flow, BTreeMap::new()),
            None => self.main_menu(),
        }
    }

    /// Text that is no choice and no answer: another flow's trigger, or
    /// the step again with the reason.
    fn unplaced(&mut self, norm: &str, key: &str) {
        match self.trigger(norm) {
            Some(flow) => self.start(&flow, BTreeMap::new()),
            None => self.reshow_with(key, &BTreeMap::new()),
        }
    }

    fn text_at(&mut self, step: &Step, t: &str, norm: &str) {
        if let Some(o) = pick_offer(&self.conv.offered, t).cloned() {
            return self.on_offer(o);
        }
        match step {
            Step::Menu { .. } => self.unplaced(norm, "err.choice"),
            Step::Choose { .. } if self.conv.offered.is_empty() => self.show(None),
            Step::Choose { .. } => match pick_item(&self.conv.items, t).cloned() {
                Some(item) => self.choose(item),
                None => self.unplaced(norm, "err.choice"),
            },
            Step::Ask {
                field,
                input,
                min,
                max,
                next,
                ..
            } => match check_answer(*input, *min, *max, t) {
                Ok(v) => {
                    self.conv.fields.insert(field.clone(), v);
                    self.enter(next);
                }
                Err((key, vars)) => self.reshow_with(key, &vars),
            },
            Step::Confirm { .. } => match yes_no(norm) {
                Some(yes) => self.confirm(step, yes),
                None => self.unplaced(norm, "err.yes_no"),
            },
            _ => self.main_menu(),
        }
    }

    fn on_offer(&mut self, o: Offer) {
        let Some(step) = self.step() else {
            return self.main_menu(); // the "Main menu" button after a flow
        };
        if o.id == MENU_ID {
            return self.main_menu();
        }
        match step {
            Step::Menu { field, options, .. } => {
                let opt = o
                    .value
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| options.get(i.checked_sub(1)?));
                let Some(opt) = opt else {
                    return self.broken();
                };
                if let (Some(f), Some(v)) = (field, &opt.value) {
                    self.conv.fields.insert(f.clone(), v.clone());
                }
                self.follow(opt);
            }
            Step::Choose { .. } if o.value == MORE => {
                self.conv.page += 1;
                self.show(None);
            }
            Step::Choose { .. } => self.choose(Item {
                id: o.value,
                label: o.label,
                detail: None,
            }),
            Step::Ask { field, next, .. } => {
                self.conv.fields.insert(field.clone(), o.value);
                self.enter(next);
            }
            Step::Confirm { .. } => self.confirm(step, o.value == "yes"),
            _ => self.main_menu(),
        }
    }

    fn choose(&mut self, item: Item) {
        let Some(Step::Choose { field, next, .. }) = self.step() else {
            return;
        };
        self.conv
            .fields
            .insert(format!("{field}_label"), item.label);
        self.conv.fields.insert(field.clone(), item.id);
        self.enter(next);
    }

    fn confirm(&mut self, step: &Step, yes: bool) {
        let Step::Confirm { next, no, .. } = step else {
            return;
        };
        match (yes, no) {
            (true, _) => self.enter(next),
            (false, Some(no)) => self.enter(no),
            (false, None) => self.command(Command::Cancel),
        }
    }

    // ---- the service's answers ----

    pub fn on_data(&mut self, source: &str, mut items: Vec<Item>) {
        let Some(Step::Choose {
            source: wanted,
            empty,
            ..
        }) = self.step()
        else {
            return; // stale: the conversation moved on
        };
        if wanted != source || !self.conv.offered.is_empty() {
            return;
        }
        if items.is_empty() {
            self.say(empty.as_deref().unwrap_or("bot.nothing"));
            return self.stop(Why::Empty);
        }
        // Meta refuses a list with a repeated row id.
        let mut seen = std::collections::BTreeSet::new();
        items.retain(|i| seen.insert(i.id.clone()));
        items.truncate(MAX_ITEMS);
        self.conv.items = items;
        self.conv.page = 0;
        self.show(None);
    }

    pub fn on_done(&mut self, ok: bool, text: Option<String>, vars: BTreeMap<String, String>) {
        let Some(Step::Action {
            text: key, next, ..
        }) = self.step()
        else {
            // Stale: still tell the person what happened.
            self.replies.extend(text.map(Reply::Text));
            return;
        };
        if !ok {
            let msg = text.unwrap_or_else(|| self.render("err.action"));
            self.replies.push(Reply::Text(msg));
            return self.stop(Why::Refused);
        }
        self.conv.fields.extend(vars);
        if let Some(t) = &text {
            self.conv.fields.insert("result".into(), t.clone());
        }
        if let Some(lang) = self.conv.fields.get("lang").and_then(|l| Lang::parse(l)) {
            self.conv.lang = lang;
        }
        let msg = match (key, text) {
            (Some(k), _) => self.render(k),
            (None, Some(t)) => t,
            (None, None) => self.render("bot.done"),
        };
        self.replies.push(Reply::Text(msg));
        match next {
            Some(n) => self.enter(n),
            None => self.complete(),
        }
    }
}
