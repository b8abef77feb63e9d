//! The start-up check of the flows and their translations: every error a
//! person could make in a flow file, found before the first message.

use super::{
    FlowSet, InputKind, Step, MAIN_MENU, MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY,
    MAX_LIST_BUTTON, MAX_ROWS, MAX_ROW_DESCRIPTION, MAX_ROW_TITLE,
};
use crate::whatsapp::engine::{command, normalize};
use crate::whatsapp::texts::{is_name, Lang, TextProblem, Texts};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// Keys the engine itself says, whatever the flows: each must exist in
/// every language, within the length Meta allows where it is a title.
pub const ENGINE_KEYS: &[(&str, Option<usize>)] = &[
    ("bot.help", None),
    ("bot.cancelled", None),
    ("bot.timeout", None),
    ("bot.yes", Some(MAX_BUTTON_TITLE)),
    ("bot.no", Some(MAX_BUTTON_TITLE)),
    ("bot.more", Some(MAX_ROW_TITLE)),
    ("bot.page", None),
    ("bot.list_button", Some(MAX_LIST_BUTTON)),
    ("bot.menu_button", Some(MAX_BUTTON_TITLE)),
    ("bot.pick", None),
    ("bot.done", None),
    ("bot.nothing", None),
    ("err.choice", None),
    ("err.stale", None),
    ("err.media", None),
    ("err.number", None),
    ("err.quantity", None),
    ("err.too_short", None),
    ("err.too_long", None),
    ("err.too_small", None),
    ("err.too_big", None),
    ("err.yes_no", None),
    ("err.lost", None),
    ("err.action", None),
    ("err.broken", None),
];

/// One problem, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// The flow file, or `i18n/<lang>.toml` for a catalogue problem.
    pub file: String,
    pub flow: Option<String>,
    pub step: Option<String>,
    pub kind: FlowErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowErrorKind {
    DuplicateFlow {
        first: String,
    },
    NoMainMenu,
    UnknownStart {
        start: String,
    },
    UnknownStep {
        target: String,
    },
    UnknownFlow {
        target: String,
    },
    UnknownSource {
        source: String,
    },
    UnknownAction {
        name: String,
    },
    BadName {
        name: String,
    },
    BadOption {
        index: usize,
        why: &'static str,
    },
    BadBounds,
    UnsetField {
        field: String,
    },
    MissingText {
        lang: Lang,
        key: String,
    },
    Placeholders {
        lang: Lang,
        key: String,
        english: Vec<String>,
        found: Vec<String>,
    },
    TooLong {
        lang: Lang,
        key: String,
        len: usize,
        max: usize,
    },
    TooManyOptions {
        count: usize,
    },
    NothingToGoTo,
    DeadEnd,
    Unreachable,
    DuplicateTrigger {
        lang: Lang,
        word: String,
        other: String,
    },
    TriggerIsCommand {
        lang: Lang,
        word: String,
    },
}

impl fmt::Display for FlowErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FlowErrorKind::*;
        match self {
            DuplicateFlow { first } => write!(f, "flow id already defined in {first}"),
            NoMainMenu => write!(f, "no flow with id \"{MAIN_MENU}\" (the main menu)"),
            UnknownStart { start } => write!(f, "start step \"{start}\" does not exist"),
            UnknownStep { target } => write!(f, "goes to unknown step \"{target}\""),
            UnknownFlow { target } => write!(f, "goes to unknown flow \"{target}\""),
            UnknownSource { source } => write!(f, "unknown data source \"{source}\""),
            UnknownAction { name } => write!(f, "unknown action \"{name}\""),
            BadName { name } => write!(f, "\"{name}\" must be lower-case letters, digits and _"),
            BadOption { index, why } => write!(f, "option {}: {why}", index + 1),
            BadBounds => write!(f, "min/max do not fit the input kind"),
            UnsetField { field } => write!(f, "field \"{field}\" is never filled in this flow"),
            MissingText { lang, key } => write!(f, "text \"{key}\" missing in {lang}"),
            Placeholders {
                lang,
                key,
                english,
                found,
            } => write!(
                f,
                "text \"{key}\" in {lang} has placeholders {found:?}, English has {english:?}"
            ),
            TooLong {
                lang,
                key,
                len,
                max,
            } => {
                write!(
                    f,
                    "text \"{key}\" in {lang} is {len} characters, at most {max} fit"
                )
            }
            TooManyOptions { count } => {
                write!(f, "{count} options: WhatsApp shows at most {MAX_ROWS}")
            }
            NothingToGoTo => write!(f, "nothing to go to"),
            DeadEnd => write!(f, "dead end: no way to finish the flow from here"),
            Unreachable => write!(f, "unreachable from the start step"),
            DuplicateTrigger { lang, word, other } => {
                write!(f, "trigger \"{word}\" ({lang}) also starts flow {other}")
            }
            TriggerIsCommand { lang, word } => {
                write!(f, "trigger \"{word}\" ({lang}) is a global command")
            }
        }
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(flow) = &self.flow {
            write!(f, ": flow {flow}")?;
        }
        if let Some(step) = &self.step {
            write!(f, ", step {step}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for FlowError {}

/// Checks the flows against the translations and the service's registry of
/// data sources and actions. All problems are returned, not just the first.
pub fn validate(
    flows: &FlowSet,
    texts: &Texts,
    known_sources: &[&str],
    known_actions: &[&str],
) -> Result<(), Vec<FlowError>> {
    let mut errors = Vec::new();
    if flows.get(MAIN_MENU).is_none() {
        errors.push(FlowError {
            file: String::new(),
            flow: None,
            step: None,
            kind: FlowErrorKind::NoMainMenu,
        });
    }
    for (id, def) in &flows.flows {
        let mut e = |step: Option<&str>, kind| {
            errors.push(FlowError {
                file: flows.file(id).to_string(),
                flow: Some(id.clone()),
                step: step.map(String::from),
                kind,
            })
        };
        check_keys(texts, None, &[&def.title], &mut e);
        if !def.steps.contains_key(&def.start) {
            e(
                None,
                FlowErrorKind::UnknownStart {
                    start: def.start.clone(),
                },
            );
        }
        let filled: BTreeSet<&str> = def.steps.values().filter_map(Step::field).collect();
        for (sid, step) in &def.steps {
            let s = Some(sid.as_str());
            if !is_name(sid) {
                e(None, FlowErrorKind::BadName { name: sid.clone() });
            }
            if let Some(f) = step.field() {
                if !is_name(f) {
                    e(
                        s,
                        FlowErrorKind::BadName {
                            name: f.to_string(),
                        },
                    );
                }
            }
            for t in step.targets() {
                if !def.steps.contains_key(t) {
                    e(
                        s,
                        FlowErrorKind::UnknownStep {
                            target: t.to_string(),
                        },
                    );
                }
            }
            check_keys(texts, s, &step.text_keys(), &mut e);
            if matches!(
                step,
                Step::Menu { .. } | Step::Choose { .. } | Step::Ask { .. } | Step::Confirm { .. }
            ) {
                check_len(texts, s, step.text(), MAX_INTERACTIVE_BODY, &mut e);
            }
            match step {
                Step::Menu { field, options, .. } => {
                    check_menu(flows, texts, s, field.is_some(), options, &mut e)
                }
                Step::Choose { source, .. } if !known_sources.contains(&source.as_str()) => e(
                    s,
                    FlowErrorKind::UnknownSource {
                        source: source.clone(),
                    },
                ),
                Step::Ask {
                    input, min, max, ..
                } => {
                    let bounded = matches!(input, InputKind::Text | InputKind::Number);
                    let lengths_ok = *input != InputKind::Text
                        || (min.unwrap_or(1) >= 0 && max.unwrap_or(1) >= 1);
                    if (!bounded && (min.is_some() || max.is_some()))
                        || matches!((min, max), (Some(a), Some(b)) if a > b)
                        || !lengths_ok
                    {
                        e(s, FlowErrorKind::BadBounds);
                    }
                }
                Step::Action { name, fields, .. } => {
                    if !known_actions.contains(&name.as_str()) {
                        e(s, FlowErrorKind::UnknownAction { name: name.clone() });
                    }
                    for f in fields {
                        if !filled.contains(f.as_str()) {
                            e(s, FlowErrorKind::UnsetField { field: f.clone() });
                        }
                    }
                }
                _ => {}
            }
        }
        check_graph(def, &mut e);
    }
    check_triggers(flows, &mut errors);
    for p in texts.problems() {
        let (lang, kind) = match p {
            TextProblem::Missing { lang, key } => (lang, FlowErrorKind::MissingText { lang, key }),
            TextProblem::Placeholders {
                lang,
                key,
                english,
                found,
            } => (
                lang,
                FlowErrorKind::Placeholders {
                    lang,
                    key,
                    english,
                    found,
                },
            ),
        };
        errors.push(FlowError {
            file: format!("i18n/{lang}.toml"),
            flow: None,
            step: None,
            kind,
        });
    }
    let mut engine = |_: Option<&str>, kind| {
        errors.push(FlowError {
            file: "i18n".into(),
            flow: None,
            step: None,
            kind,
        })
    };
    for (key, max) in ENGINE_KEYS {
        check_keys(texts, None, &[key], &mut engine);
        if let Some(max) = max {
            check_len(texts, None, key, *max, &mut engine);
        }
    }
    // The catalogue check and the per-flow check can both notice one gap.
    errors.dedup();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

type Report<'a> = dyn FnMut(Option<&str>, FlowErrorKind) + 'a;

fn check_keys(texts: &Texts, step: Option<&str>, keys: &[&str], e: &mut Report) {
    for key in keys {
        for lang in Lang::ALL {
            if texts.get(lang, key).is_none() {
                e(
                    step,
                    FlowErrorKind::MissingText {
                        lang,
                        key: key.to_string(),
                    },
                );
            }
        }
    }
}

fn check_len(texts: &Texts, step: Option<&str>, key: &str, max: usize, e: &mut Report) {
    for lang in Lang::ALL {
        if let Some(t) = texts.get(lang, key) {
            let len = t.chars().count();
            if len > max {
                e(
                    step,
                    FlowErrorKind::TooLong {
                        lang,
                        key: key.into(),
                        len,
                        max,
                    },
                );
            }
        }
    }
}

fn check_menu(
    flows: &FlowSet,
    texts: &Texts,
    s: Option<&str>,
    has_field: bool,
    options: &[super::MenuOption],
    e: &mut Report,
) {
    let n = options.len();
    if n == 0 {
        e(s, FlowErrorKind::NothingToGoTo);
    } else if n > MAX_ROWS {
        e(s, FlowErrorKind::TooManyOptions { count: n });
    }
    let title_max = if n <= MAX_BUTTONS {
        MAX_BUTTON_TITLE
    } else {
        MAX_ROW_TITLE
    };
    let mut values = BTreeSet::new();
    for (index, o) in options.iter().enumerate() {
        let bad = |why| FlowErrorKind::BadOption { index, why };
        check_len(texts, s, &o.label, title_max, e);
        if let Some(d) = &o.description {
            if n <= MAX_BUTTONS {
                e(
                    s,
                    bad("a description shows only in lists (4 or more options)"),
                );
            }
            check_len(texts, s, d, MAX_ROW_DESCRIPTION, e);
        }
        match (&o.goto, &o.flow) {
            (Some(_), Some(_)) => e(s, bad("has both goto and flow")),
            (None, None) => e(s, bad("has neither goto nor flow")),
            (None, Some(f)) if flows.get(f).is_none() => {
                e(s, FlowErrorKind::UnknownFlow { target: f.clone() })
            }
            _ => {}
        }
        match (&o.value, has_field) {
            (None, true) => e(
                s,
                bad("the menu fills a field, so each option needs a value"),
            ),
            (Some(_), false) => e(s, bad("has a value but the menu has no field")),
            (Some(v), true) if !values.insert(v.as_str()) => e(s, bad("repeats a value")),
            _ => {}
        }
    }
}

/// Unreachable steps, and reachable ones from which the flow cannot finish.
fn check_graph(def: &super::FlowDef, e: &mut Report) {
    let mut reached = BTreeSet::new();
    let mut queue = VecDeque::from([def.start.as_str()]);
    while let Some(s) = queue.pop_front() {
        if !def.steps.contains_key(s) || !reached.insert(s) {
            continue;
        }
        queue.extend(def.steps[s].targets());
    }
    let mut into: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (sid, step) in &def.steps {
        for t in step.targets() {
            into.entry(t).or_default().push(sid);
        }
    }
    let mut finishing = BTreeSet::new();
    let mut queue: VecDeque<&str> = def
        .steps
        .iter()
        .filter(|(_, s)| s.can_finish())
        .map(|(id, _)| id.as_str())
        .collect();
    while let Some(s) = queue.pop_front() {
        if finishing.insert(s) {
            queue.extend(into.get(s).into_iter().flatten());
        }
    }
    for sid in def.steps.keys() {
        if !reached.contains(sid.as_str()) {
            e(Some(sid), FlowErrorKind::Unreachable);
        } else if !finishing.contains(sid.as_str()) {
            e(Some(sid), FlowErrorKind::DeadEnd);
        }
    }
}

fn check_triggers(flows: &FlowSet, errors: &mut Vec<FlowError>) {
    let mut seen: BTreeMap<(Lang, String), &str> = BTreeMap::new();
    for (id, def) in &flows.flows {
        for (lang, words) in &def.triggers {
            for w in words {
                let word = normalize(w);
                let kind = if command(&word).is_some() {
                    Some(FlowErrorKind::TriggerIsCommand {
                        lang: *lang,
                        word: w.clone(),
                    })
                } else {
                    seen.insert((*lang, word), id)
                        .map(|other| FlowErrorKind::DuplicateTrigger {
                            lang: *lang,
                            word: w.clone(),
                            other: other.to_string(),
                        })
                };
                if let Some(kind) = kind {
                    errors.push(FlowError {
                        file: flows.file(id).to_string(),
                        flow: Some(id.clone()),
                        step: None,
                        kind,
                    });
                }
            }
        }
    }
}
