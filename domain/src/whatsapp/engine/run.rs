//! One turn of the interpreter: moving through a flow's steps, showing the
//! one that waits, and leaving flows. Reading the input is in `read.rs`.

use super::parse::check_answer;
use super::show::{self, Choice};
use super::{current, Conversation, FlowEvent, Output, Reply, Request, Why, MAX_HOPS};
use crate::whatsapp::flow::{FlowSet, InputKind, MenuOption, Step, MAIN_MENU};
use crate::whatsapp::texts::Texts;
use std::collections::BTreeMap;

pub(super) struct Run<'a> {
    pub(super) flows: &'a FlowSet,
    pub(super) texts: &'a Texts,
    pub conv: Conversation,
    pub(super) replies: Vec<Reply>,
    pub(super) request: Option<Request>,
    pub(super) events: Vec<FlowEvent>,
}

impl<'a> Run<'a> {
    pub fn new(flows: &'a FlowSet, texts: &'a Texts, conv: Conversation) -> Run<'a> {
        Run {
            flows,
            texts,
            conv,
            replies: Vec::new(),
            request: None,
            events: Vec::new(),
        }
    }

    pub fn finish_turn(self) -> Output {
        Output {
            replies: self.replies,
            request: self.request,
            conv: self.conv,
            events: self.events,
        }
    }

    pub(super) fn step(&self) -> Option<&'a Step> {
        current(self.flows, &self.conv)
    }

    pub(super) fn render(&self, key: &str) -> String {
        self.texts.render(self.conv.lang, key, &self.conv.fields)
    }

    pub fn say(&mut self, key: &str) {
        let t = self.render(key);
        self.replies.push(Reply::Text(t));
    }

    // ---- leaving and entering flows ----

    pub(super) fn clear(&mut self) {
        let c = &mut self.conv;
        c.flow = None;
        c.step = None;
        c.fields.clear();
        c.offered.clear();
        c.items.clear();
        c.page = 0;
    }

    /// Drops the flow in progress, recording why.
    pub fn leave(&mut self, why: Why) {
        if self.conv.in_progress() {
            self.events.push(FlowEvent::Left {
                flow: self.conv.flow.clone().unwrap_or_default(),
                step: self.conv.step.clone(),
                why,
            });
        }
        self.clear();
    }

    /// The flow finished: recorded, and a "Main menu" button offered.
    pub(super) fn complete(&mut self) {
        if let Some(flow) = self.conv.flow.clone().filter(|_| self.conv.in_progress()) {
            self.events.push(FlowEvent::Completed { flow });
        }
        self.clear();
        self.conv.offered = show::menu_button(self.texts, self.conv.lang, &mut self.replies);
    }

    /// The flow stopped short after saying why: a "Main menu" button offered.
    pub(super) fn stop(&mut self, why: Why) {
        self.leave(why);
        self.conv.offered = show::menu_button(self.texts, self.conv.lang, &mut self.replies);
    }

    pub fn main_menu(&mut self) {
        if self.flows.get(MAIN_MENU).is_none() {
            self.clear();
            self.say("bot.help");
            return;
        }
        self.begin(MAIN_MENU, BTreeMap::new());
    }

    /// Starts `flow` with pre-filled fields, leaving any flow in progress.
    pub fn start(&mut self, flow: &str, fields: BTreeMap<String, String>) {
        self.leave(Why::Replaced);
        if self.flows.get(flow).is_none() {
            return self.main_menu();
        }
        self.begin(flow, fields);
    }

    pub(super) fn begin(&mut self, flow: &str, fields: BTreeMap<String, String>) {
        self.clear();
        self.conv.flow = Some(flow.to_string());
        self.conv.fields = fields;
        if flow != MAIN_MENU {
            self.events.push(FlowEvent::Started { flow: flow.into() });
        }
        let start = self
            .flows
            .get(flow)
            .map(|d| d.start.clone())
            .unwrap_or_default();
        self.enter(&start);
    }

    pub(super) fn broken(&mut self) {
        let was_menu = self.conv.flow.as_deref() == Some(MAIN_MENU);
        self.leave(Why::Broken);
        self.say("err.broken");
        if !was_menu {
            self.main_menu();
        }
    }

    pub(super) fn follow(&mut self, opt: &MenuOption) {
        match (&opt.goto, &opt.flow) {
            (Some(step), _) => self.enter(step),
            (None, Some(flow)) => self.start(flow, BTreeMap::new()),
            (None, None) => self.broken(),
        }
    }

    /// Moves to `first` and on through steps that need nothing from the
    /// person (said texts, filled fields), stopping at one that waits.
    pub(super) fn enter(&mut self, first: &str) {
        let Some(flow) = self.conv.flow.clone() else {
            return;
        };
        let mut sid = first.to_string();
        for _ in 0..MAX_HOPS {
            let Some(step) = self.flows.step(&flow, &sid) else {
                return self.broken();
            };
            self.conv.step = Some(sid.clone());
            self.conv.offered.clear();
            self.conv.items.clear();
            self.conv.page = 0;
            let fields = &self.conv.fields;
            match step {
                Step::Menu {
                    field: Some(f),
                    options,
                    ..
                } => {
                    let chosen = fields
                        .get(f)
                        .and_then(|v| options.iter().find(|o| o.value.as_ref() == Some(v)));
                    match chosen {
                        Some(MenuOption { goto: Some(g), .. }) => sid = g.clone(),
                        Some(opt) => return self.follow(opt),
                        None => return self.show(None),
                    }
                }
                Step::Choose { field, next, .. } if fields.contains_key(field) => {
                    let label = format!("{field}_label");
                    if !fields.contains_key(&label) {
                        let v = fields[field].clone();
                        self.conv.fields.insert(label, v);
                    }
                    sid = next.clone();
                }
                Step::Ask {
                    field,
                    input,
                    min,
                    max,
                    next,
                    ..
                } => match fields
                    .get(field)
                    .map(|v| check_answer(*input, *min, *max, v))
                {
                    Some(Ok(v)) => {
                        self.conv.fields.insert(field.clone(), v);
                        sid = next.clone();
                    }
                    _ => return self.show(None),
                },
                Step::Say { text, next } => {
                    self.say(text);
                    match next {
                        Some(n) => sid = n.clone(),
                        None => return self.complete(),
                    }
                }
                Step::Handoff { text } => {
                    self.say(text);
                    self.request = Some(Request::Handoff);
                    if let Some(flow) = self.conv.flow.clone() {
                        self.events.push(FlowEvent::Completed { flow });
                    }
                    return self.clear();
                }
                Step::Action {
                    name,
                    fields: names,
                    ..
                } => {
                    let fields = names
                        .iter()
                        .filter_map(|n| Some((n.clone(), fields.get(n)?.clone())))
                        .collect();
                    self.request = Some(Request::Action {
                        name: name.clone(),
                        fields,
                    });
                    return;
                }
                _ => return self.show(None),
            }
        }
        self.broken()
    }

    /// Shows (again) the step that waits, `prefix` (a reason) above it.
    pub(super) fn show(&mut self, prefix: Option<String>) {
        let Some(step) = self.step() else {
            return self.main_menu();
        };
        let (lang, texts) = (self.conv.lang, self.texts);
        let sid = self.conv.step.clone().unwrap_or_default();
        let mut body = self.render(step.text());
        if let Some(p) = prefix {
            body = format!("{p}\n\n{body}");
        }
        let (replies, offers) = match step {
            Step::Menu { options, .. } => {
                let choices = options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| Choice {
                        value: (i + 1).to_string(),
                        label: self.render(&o.label),
                        detail: o.description.as_deref().map(|d| self.render(d)),
                    })
                    .collect();
                show::choices(texts, lang, &sid, body, choices)
            }
            Step::Choose { source, .. } if self.conv.items.is_empty() => {
                self.request = Some(Request::Data {
                    source: source.clone(),
                    fields: self.conv.fields.clone(),
                });
                return;
            }
            Step::Choose { .. } => {
                show::page(texts, lang, &sid, body, &self.conv.items, self.conv.page)
            }
            Step::Ask {
                input: InputKind::YesNo,
                ..
            }
            | Step::Confirm { .. } => show::yes_no(texts, lang, &sid, body),
            Step::Ask { .. } => (vec![Reply::Text(body)], vec![]),
            _ => return,
        };
        self.replies.extend(replies);
        self.conv.offered = offers;
    }

    pub(super) fn reshow_with(&mut self, key: &str, vars: &BTreeMap<String, String>) {
        let reason = self.texts.render(self.conv.lang, key, vars);
        self.show(Some(reason));
    }
}
