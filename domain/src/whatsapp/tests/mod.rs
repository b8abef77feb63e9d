//! Tests of the flows, the engine and the translations, mostly against the
//! shipped files in `service/flows/`, with a scripted fake service.

mod commands;
mod presentation;
mod props;
mod shipped;
mod validation;
mod walks;

use super::engine::{
    self, Conversation, EngineConfig, FlowEvent, Input, Item, Output, Reply, Request,
};
use super::flow::{FlowDef, FlowSet};
use super::texts::{Catalog, Lang, Texts};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the service registers (the shipped flows use exactly these).
pub const SOURCES: &[&str] = &["my_jobs", "machines", "priorities", "my_requests"];
pub const ACTIONS: &[&str] = &[
    "job.start",
    "job.pause",
    "job.complete",
    "maintenance.create",
    "maintenance.status",
    "order.status",
    "set_language",
];

pub const MINUTE: i64 = 60_000;
pub const CFG: EngineConfig = EngineConfig {
    idle_timeout_ms: 30 * MINUTE,
};

fn flows_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../service/flows")
}

/// The shipped flow files, as `(file name, flow)`.
pub fn shipped_defs() -> Vec<(String, FlowDef)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(flows_dir()).expect("service/flows exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let def: FlowDef = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            out.push((name, def));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub fn shipped_flows() -> FlowSet {
    FlowSet::new(shipped_defs()).expect("no duplicate flow ids")
}

pub fn shipped_texts() -> Texts {
    let mut texts = Texts::new();
    for lang in Lang::ALL {
        let path = flows_dir().join(format!("i18n/{lang}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let cat: Catalog = toml::from_str(&text).unwrap_or_else(|e| panic!("{lang}: {e}"));
        texts.insert(lang, cat);
    }
    texts
}

pub fn item(id: &str, label: &str, detail: Option<&str>) -> Item {
    Item {
        id: id.into(),
        label: label.into(),
        detail: detail.map(String::from),
    }
}

pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A conversation driven like the service drives it: every data request
/// and action is answered by a fake plant, and the replies of one turn
/// (including those after the answers) are collected.
pub struct Bot {
    pub flows: FlowSet,
    pub texts: Texts,
    pub conv: Conversation,
    pub now: i64,
    pub jobs: Vec<Item>,
    pub machines: Vec<Item>,
    /// When set, every action is refused with this message.
    pub refuse: Option<String>,
    pub actions: Vec<(String, BTreeMap<String, String>)>,
    pub handoffs: usize,
    pub events: Vec<FlowEvent>,
    pub last: Vec<Reply>,
}

impl Bot {
    pub fn new(lang: Lang) -> Bot {
        Bot {
            flows: shipped_flows(),
            texts: shipped_texts(),
            conv: Conversation::new(lang),
            now: 1_700_000_000_000,
            jobs: vec![
                item("1234", "1234 Teddy body", Some("Sewing · Running · 40/100")),
                item(
                    "1235",
                    "1235 Bunny ears",
                    Some("Embroidery · Ready · 0/250"),
                ),
            ],
            machines: (1..=25)
                .map(|n| item(&format!("M-{n:02}"), &format!("M-{n:02} Machine {n}"), None))
                .collect(),
            refuse: None,
            actions: Vec::new(),
            handoffs: 0,
            events: Vec::new(),
            last: Vec::new(),
        }
    }

    fn data(&self, source: &str) -> Vec<Item> {
        match source {
            "my_jobs" => self.jobs.clone(),
            "machines" => self.machines.clone(),
            "priorities" => vec![
                item(
                    "critical",
                    "Critical – machine down",
                    Some("Response within 15 min"),
                ),
                item("high", "High", Some("Response within 1 h")),
                item("medium", "Medium", Some("Response within 4 h")),
                item("low", "Low", Some("Response within 24 h")),
            ],
            "my_requests" => vec![
                item("MR-7", "MR-7 M-04 needle", Some("Open · 12 min left")),
                item("MR-9", "MR-9 M-11 belt", Some("Being repaired · 3 h left")),
            ],
            other => panic!("unknown source {other}"),
        }
    }

    fn answer(&mut self, name: &str, fields: BTreeMap<String, String>) -> Input {
        self.actions.push((name.to_string(), fields));
        if let Some(msg) = &self.refuse {
            return Input::Done {
                ok: false,
                text: Some(msg.clone()),
                vars: BTreeMap::new(),
            };
        }
        let (text, vars) = match name {
            "maintenance.create" => (None, map(&[("request", "MR-17"), ("respond_by", "10:45")])),
            "maintenance.status" => (
                None,
                map(&[
                    ("status", "Open"),
                    ("response", "12 min left"),
                    ("resolution", "3 h left"),
                ]),
            ),
            "order.status" => (
                Some("SO-0042 · Acme Toys\nDue 2025-06-30 · In production · 60% done".to_string()),
                BTreeMap::new(),
            ),
            _ => (None, BTreeMap::new()),
        };
        Input::Done {
            ok: true,
            text,
            vars,
        }
    }

    /// One person's message and everything the bot says back.
    pub fn send(&mut self, input: Input) -> Vec<Reply> {
        let mut replies = Vec::new();
        let mut input = Some(input);
        while let Some(i) = input.take() {
            let conv = std::mem::take(&mut self.conv);
            let out: Output = engine::step(&self.flows, &self.texts, conv, i, self.now, CFG);
            self.conv = out.conv;
            replies.extend(out.replies);
            self.events.extend(out.events);
            input = match out.request {
                Some(Request::Data { source, .. }) => Some(Input::Data {
                    items: self.data(&source),
                    source,
                }),
                Some(Request::Action { name, fields }) => Some(self.answer(&name, fields)),
                Some(Request::Handoff) => {
                    self.handoffs += 1;
                    None
                }
                None => None,
            };
        }
        self.last = replies.clone();
        replies
    }

    pub fn text(&mut self, s: &str) -> Vec<Reply> {
        self.send(Input::Text(s.into()))
    }

    /// Taps the button or row with this title in the last reply.
    pub fn tap(&mut self, title: &str) -> Vec<Reply> {
        let id = self
            .last
            .iter()
            .find_map(|r| match r {
                Reply::Buttons { buttons, .. } => buttons
                    .iter()
                    .find(|(_, t)| t == title)
                    .map(|(id, _)| id.clone()),
                Reply::List { rows, .. } => rows
                    .iter()
                    .find(|(_, t, _)| t == title)
                    .map(|(id, _, _)| id.clone()),
                Reply::Text(_) => None,
            })
            .unwrap_or_else(|| panic!("no choice {title:?} in {:#?}", self.last));
        self.send(Input::Choice { id })
    }

    /// Everything said in the last turn, as plain text.
    pub fn said(&self) -> String {
        self.last
            .iter()
            .map(Reply::plain)
            .collect::<Vec<_>>()
            .join("\n---\n")
    }

    pub fn t(&self, key: &str) -> String {
        self.texts.say(self.conv.lang, key)
    }

    pub fn at(&self) -> (Option<&str>, Option<&str>) {
        (self.conv.flow.as_deref(), self.conv.step.as_deref())
    }
}

/// The titles of the choices in a reply.
pub fn titles(r: &Reply) -> Vec<String> {
    match r {
        Reply::Buttons { buttons, .. } => buttons.iter().map(|(_, t)| t.clone()).collect(),
        Reply::List { rows, .. } => rows.iter().map(|(_, t, _)| t.clone()).collect(),
        Reply::Text(_) => vec![],
    }
}
