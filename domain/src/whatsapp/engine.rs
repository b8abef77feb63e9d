//! The one interpreter of flows: given a conversation's state and what just
//! happened (a message, a tap, the data or answer the service was asked
//! for), it answers the replies to send, at most one request for the
//! service, and the new state. It does no I/O: the service stores the state
//! (JSON), runs the requests with the linked user's permissions and feeds
//! their results back as [`Input::Data`] and [`Input::Done`].

use super::flow::{FlowSet, Step, MAIN_MENU};
use super::texts::{Lang, Texts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod parse;
mod read;
mod run;
mod show;

pub use parse::{check_answer, command, normalize, pick_item, pick_offer, yes_no, Command};
pub use show::{clip, MENU_ID, MORE, PAGE};

/// Most data items kept for a choose step (about eleven pages).
pub const MAX_ITEMS: usize = 100;
/// Most steps passed through in one turn (a guard; validation prevents loops).
pub const MAX_HOPS: usize = 64;

/// One phone's state, stored by the service as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conversation {
    pub lang: Lang,
    /// The flow in progress (`menu` while the main menu is shown).
    pub flow: Option<String>,
    pub step: Option<String>,
    /// What the flow has gathered; a choose step also stores `{field}_label`.
    pub fields: BTreeMap<String, String>,
    /// The choices last shown, so "2", a label or a button id maps back.
    pub offered: Vec<Offer>,
    /// A choose step's data (all pages), for paging and typed codes.
    pub items: Vec<Item>,
    /// The page of `items` shown.
    pub page: usize,
    /// When the person last wrote (UTC ms).
    pub last_at_ms: i64,
    /// Set when a flow was dropped for idleness and the person told so;
    /// cleared by the next message. The notice is said once per drop.
    pub timeout_noticed: bool,
}

impl Conversation {
    pub fn new(lang: Lang) -> Conversation {
        Conversation {
            lang,
            ..Conversation::default()
        }
    }

    /// A flow other than the main menu is under way (timeouts apply).
    pub fn in_progress(&self) -> bool {
        self.flow.as_deref().is_some_and(|f| f != MAIN_MENU)
    }
}

/// A choice shown: its id (button or row id), what it stands for (a menu
/// option's number, an item's id, `yes`/`no`) and its full label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    pub value: String,
    pub label: String,
}

/// One data item the service returns for a choose step. `id` is what is
/// stored in the field (use the code people type, e.g. a machine's `M-04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub detail: Option<String>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A typed message.
    Text(String),
    /// A reply button or list row tapped (its id).
    Choice { id: String },
    /// A photo, document… (not read by any flow yet).
    Media { kind: String },
    /// Free text placed by the matcher: start `flow` with these fields
    /// (steps whose field is filled are skipped).
    Start {
        flow: String,
        fields: BTreeMap<String, String>,
    },
    /// The service's answer to [`Request::Data`].
    Data { source: String, items: Vec<Item> },
    /// The service's answer to [`Request::Action`]: `text` already rendered
    /// (e.g. the refusal's message), `vars` values for the step's text.
    Done {
        ok: bool,
        text: Option<String>,
        vars: BTreeMap<String, String>,
    },
}

/// What the engine asks the service to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Answer with `Input::Data` for the same source.
    Data {
        source: String,
        fields: BTreeMap<String, String>,
    },
    /// Run the action as the linked user; answer with `Input::Done`.
    Action {
        name: String,
        fields: BTreeMap<String, String>,
    },
    /// Hand the conversation to a person; the bot pauses until handed back.
    Handoff,
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Text(String),
    /// At most 3 reply buttons `(id, title)`, titles ≤ 20 characters.
    Buttons {
        body: String,
        buttons: Vec<(String, String)>,
    },
    /// A list: the button opening it, ≤ 10 rows `(id, title ≤ 24, description ≤ 72)`.
    List {
        body: String,
        button: String,
        rows: Vec<(String, String, Option<String>)>,
    },
}

/// What happened to flows this turn, for analytics (starts, completions,
/// drop-off per step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FlowEvent {
    Started {
        flow: String,
    },
    Completed {
        flow: String,
    },
    Left {
        flow: String,
        step: Option<String>,
        why: Why,
    },
}

/// Why a flow was left unfinished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    Timeout,
    Cancel,
    Menu,
    /// Another flow was started (a menu option, a trigger, a placed intent).
    Replaced,
    /// The service refused the action.
    Refused,
    /// The choose step's data was empty.
    Empty,
    /// A message came while an action's answer was awaited.
    Lost,
    /// The flow definition led nowhere (validation prevents it).
    Broken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineConfig {
    /// After this long without a message, a flow in progress is dropped.
    pub idle_timeout_ms: i64,
}

/// The result of one turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub replies: Vec<Reply>,
    pub request: Option<Request>,
    pub conv: Conversation,
    pub events: Vec<FlowEvent>,
}

/// Runs one turn of the conversation.
pub fn step(
    flows: &FlowSet,
    texts: &Texts,
    conv: Conversation,
    input: Input,
    now_ms: i64,
    cfg: EngineConfig,
) -> Output {
    let mut r = run::Run::new(flows, texts, conv);
    match input {
        Input::Data { source, items } => r.on_data(&source, items),
        Input::Done { ok, text, vars } => r.on_done(ok, text, vars),
        Input::Start { flow, fields } => {
            r.conv.last_at_ms = now_ms;
            r.conv.timeout_noticed = false;
            r.start(&flow, fields);
        }
        user => {
            let idle = now_ms - r.conv.last_at_ms > cfg.idle_timeout_ms;
            r.conv.last_at_ms = now_ms;
            if idle && r.conv.in_progress() && !r.conv.timeout_noticed {
                r.leave(Why::Timeout);
                r.say("bot.timeout");
                r.conv.timeout_noticed = true;
                r.main_menu();
            } else {
                r.conv.timeout_noticed = false;
                r.on_user(user);
            }
        }
    }
    r.finish_turn()
}

/// The current step of a conversation, if it is in a flow.
pub fn current<'a>(flows: &'a FlowSet, conv: &Conversation) -> Option<&'a Step> {
    flows.step(conv.flow.as_deref()?, conv.step.as_deref()?)
}
