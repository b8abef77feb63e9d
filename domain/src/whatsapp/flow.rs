//! Flows as data: what one file under `service/flows/` holds, deserialized
//! by the service (TOML) into these types, checked once at start by
//! [`validate`] and interpreted by [`crate::whatsapp::engine`].
//!
//! ```toml
//! id = "order_status"
//! title = "flow.order_status"          # text keys, translated in i18n/*.toml
//! start = "which"
//! [triggers]                            # whole messages that start the flow
//! en = ["order", "orders"]
//! [steps.which]
//! kind = "ask"
//! text = "order.ask"
//! field = "order"
//! input = "text"
//! min = 2
//! next = "look"
//! [steps.look]
//! kind = "action"
//! name = "order.status"                 # a service call the service registers
//! fields = ["order"]
//! ```

use super::texts::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod validate;

pub use validate::{validate, FlowError, FlowErrorKind, ENGINE_KEYS};

/// The flow shown by `menu`, `0`, `cancel`, a timeout and unplaceable text.
pub const MAIN_MENU: &str = "menu";

/// Meta's limits on interactive messages.
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_ROWS: usize = 10;
pub const MAX_ROW_TITLE: usize = 24;
pub const MAX_ROW_DESCRIPTION: usize = 72;
pub const MAX_LIST_BUTTON: usize = 20;
pub const MAX_INTERACTIVE_BODY: usize = 1024;

/// One flow, as one file defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowDef {
    /// Unique among the flows; menus and `Input::Start` name flows by it.
    pub id: String,
    /// Text key of the flow's name.
    pub title: String,
    /// Per language, whole messages (forgiving case, spaces and end
    /// punctuation) that start this flow when nothing else placed them.
    #[serde(default)]
    pub triggers: BTreeMap<Lang, Vec<String>>,
    /// The first step.
    pub start: String,
    pub steps: BTreeMap<String, Step>,
}

/// One step of a flow. `text` is always a text key; `next` a step of the
/// same flow (where it may be absent, absent ends the flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Fixed options: ≤ 3 become reply buttons, up to 10 a list. With a
    /// `field`, choosing an option stores its `value` there, and a field
    /// already holding one of the values skips the menu to that option.
    Menu {
        text: String,
        #[serde(default)]
        field: Option<String>,
        options: Vec<MenuOption>,
    },
    /// Options from live data: the engine asks the service for `source`
    /// (with the fields so far) and stores the chosen item's id in `field`
    /// and its label in `{field}_label`. No items: says `empty` and ends.
    Choose {
        text: String,
        source: String,
        field: String,
        next: String,
        #[serde(default)]
        empty: Option<String>,
    },
    /// A typed answer, checked by its input kind; bad input repeats the
    /// question with the reason.
    Ask {
        text: String,
        field: String,
        input: InputKind,
        /// Text: fewest characters (default 1). Number: smallest value.
        #[serde(default)]
        min: Option<i64>,
        /// Text: most characters (default 500). Number: largest value.
        #[serde(default)]
        max: Option<i64>,
        next: String,
    },
    /// Shows the fields (`{name}` in the text) with Yes / No buttons: yes
    /// goes to `next`; no to `no`, or, without it, drops the flow and shows
    /// the main menu.
    Confirm {
        text: String,
        next: String,
        #[serde(default)]
        no: Option<String>,
    },
    /// A service call, run with the linked user's permissions. On success
    /// its answer's values join the fields and `text` (or, without it, the
    /// service's own text) is said, then `next` (absent: the flow ends). A
    /// refusal says the service's message and ends the flow.
    Action {
        name: String,
        #[serde(default)]
        fields: Vec<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        next: Option<String>,
    },
    /// Says something, then `next` (absent: the flow ends).
    Say {
        text: String,
        #[serde(default)]
        next: Option<String>,
    },
    /// Says `text` and hands the conversation to a person: the bot pauses
    /// until the service hands it back.
    Handoff { text: String },
}

/// One option of a menu: a label and either a step (`goto`) or a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuOption {
    /// Text key: the button or row title.
    pub label: String,
    /// Text key: the row's second line (lists only).
    #[serde(default)]
    pub description: Option<String>,
    /// Stored in the menu's `field` when chosen.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub goto: Option<String>,
    #[serde(default)]
    pub flow: Option<String>,
}

/// What an `ask` step accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Any text, `min`..=`max` characters after trimming.
    Text,
    /// A whole number, optionally within `min`..=`max`.
    Number,
    /// A decimal ≥ 0 with at most 6 places (`12`, `2.5`, `2,5`).
    Quantity,
    /// Yes or no in any language (buttons offered); stored as `yes`/`no`.
    YesNo,
}

impl Step {
    /// The step's main text key.
    pub fn text(&self) -> &str {
        match self {
            Step::Menu { text, .. }
            | Step::Choose { text, .. }
            | Step::Ask { text, .. }
            | Step::Confirm { text, .. }
            | Step::Say { text, .. }
            | Step::Handoff { text } => text,
            Step::Action { text, .. } => text.as_deref().unwrap_or(""),
        }
    }

    /// Every text key the step may say (labels included).
    pub fn text_keys(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match self {
            Step::Menu { text, options, .. } => {
                out.push(text.as_str());
                for o in options {
                    out.push(&o.label);
                    out.extend(o.description.as_deref());
                }
            }
            Step::Choose { text, empty, .. } => {
                out.push(text);
                out.extend(empty.as_deref());
            }
            Step::Action { text, .. } => out.extend(text.as_deref()),
            Step::Ask { text, .. }
            | Step::Confirm { text, .. }
            | Step::Say { text, .. }
            | Step::Handoff { text } => out.push(text),
        }
        out
    }

    /// The steps of the same flow this one may lead to.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Step::Menu { options, .. } => {
                options.iter().filter_map(|o| o.goto.as_deref()).collect()
            }
            Step::Choose { next, .. } | Step::Ask { next, .. } => vec![next],
            Step::Confirm { next, no, .. } => {
                let mut v = vec![next.as_str()];
                v.extend(no.as_deref());
                v
            }
            Step::Action { next, .. } | Step::Say { next, .. } => {
                next.iter().map(|s| s.as_str()).collect()
            }
            Step::Handoff { .. } => vec![],
        }
    }

    /// Whether the flow may end successfully here: a `say` or `action`
    /// without `next`, a hand-off, or a menu option leading to a flow.
    pub fn can_finish(&self) -> bool {
        match self {
            Step::Say { next, .. } | Step::Action { next, .. } => next.is_none(),
            Step::Handoff { .. } => true,
            Step::Menu { options, .. } => options.iter().any(|o| o.flow.is_some()),
            _ => false,
        }
    }

    /// The field the step fills, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Step::Menu { field, .. } => field.as_deref(),
            Step::Choose { field, .. } | Step::Ask { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// The loaded flows, each with the file it came from (for error messages).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowSet {
    pub flows: BTreeMap<String, FlowDef>,
    pub files: BTreeMap<String, String>,
}

impl FlowSet {
    /// Collects `(file name, flow)` pairs; two flows with one id are an
    /// error naming both files.
    pub fn new(defs: Vec<(String, FlowDef)>) -> Result<FlowSet, Vec<FlowError>> {
        let mut set = FlowSet::default();
        let mut errors = Vec::new();
        for (file, def) in defs {
            if let Some(first) = set.files.get(&def.id) {
                errors.push(FlowError {
                    file,
                    flow: Some(def.id.clone()),
                    step: None,
                    kind: FlowErrorKind::DuplicateFlow {
                        first: first.clone(),
                    },
                });
                continue;
            }
            set.files.insert(def.id.clone(), file);
            set.flows.insert(def.id.clone(), def);
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&FlowDef> {
        self.flows.get(id)
    }

    pub fn step(&self, flow: &str, step: &str) -> Option<&Step> {
        self.flows.get(flow)?.steps.get(step)
    }

    pub fn file(&self, flow: &str) -> &str {
        self.files.get(flow).map(String::as_str).unwrap_or("")
    }
}
