//! Validation catching each kind of mistake in small broken definitions.

use super::*;
use crate::whatsapp::flow::{validate, FlowError, FlowErrorKind as K, ENGINE_KEYS};

const MENU: &str = r#"
id = "menu"
title = "t.menu"
start = "main"
[steps.main]
kind = "menu"
text = "t.text"
options = [{ label = "t.a", flow = "a" }]
"#;

const A: &str = r#"
id = "a"
title = "t.a"
start = "ask"
[triggers]
en = ["thing"]
[steps.ask]
kind = "ask"
text = "t.text"
field = "x"
input = "number"
next = "do"
[steps.do]
kind = "action"
name = "thing.do"
fields = ["x"]
"#;

/// Every engine key and `extra` in all three languages.
fn texts(extra: &[&str]) -> Texts {
    let mut t = Texts::new();
    for lang in Lang::ALL {
        let mut pairs: Vec<(&str, &str)> = ENGINE_KEYS.iter().map(|(k, _)| (*k, "ok")).collect();
        pairs.extend(["t.menu", "t.text", "t.a", "t.b", "t.c", "t.d"].map(|k| (k, "ok")));
        pairs.extend(extra.iter().map(|k| (*k, "ok")));
        t = t.with(lang, &pairs);
    }
    t
}

fn flows(files: &[(&str, &str)]) -> FlowSet {
    let defs = files
        .iter()
        .map(|(name, src)| (name.to_string(), toml::from_str(src).unwrap()))
        .collect();
    FlowSet::new(defs).unwrap()
}

fn errors(files: &[(&str, &str)], texts: &Texts) -> Vec<FlowError> {
    validate(&flows(files), texts, &["my_jobs"], &["thing.do"])
        .err()
        .unwrap_or_default()
}

fn kinds(files: &[(&str, &str)]) -> Vec<K> {
    errors(files, &texts(&[]))
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn the_small_flows_are_valid_to_begin_with() {
    assert_eq!(kinds(&[("menu.toml", MENU), ("a.toml", A)]), vec![]);
}

#[test]
fn an_unknown_next_is_named_with_file_flow_and_step() {
    let a = A.replace(r#"next = "do""#, r#"next = "nowhere""#);
    let e = errors(&[("menu.toml", MENU), ("a.toml", &a)], &texts(&[]));
    let first = &e[0];
    assert_eq!(
        first.kind,
        K::UnknownStep {
            target: "nowhere".into()
        }
    );
    assert_eq!(
        first.to_string(),
        "a.toml: flow a, step ask: goes to unknown step \"nowhere\""
    );
    assert!(e
        .iter()
        .any(|x| x.kind == K::Unreachable && x.step.as_deref() == Some("do")));
}

#[test]
fn unknown_start_goto_and_flow() {
    let a = A.replace(r#"start = "ask""#, r#"start = "begin""#);
    assert!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]).contains(&K::UnknownStart {
            start: "begin".into()
        })
    );
    let m = MENU.replace(r#"flow = "a""#, r#"goto = "gone""#);
    assert!(
        kinds(&[("menu.toml", &m), ("a.toml", A)]).contains(&K::UnknownStep {
            target: "gone".into()
        })
    );
    let m = MENU.replace(r#"flow = "a""#, r#"flow = "b""#);
    assert!(
        kinds(&[("menu.toml", &m), ("a.toml", A)]).contains(&K::UnknownFlow { target: "b".into() })
    );
}

#[test]
fn unknown_source_and_action_come_from_the_services_registry() {
    let a = A.replace("thing.do", "thing.undo");
    assert!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]).contains(&K::UnknownAction {
            name: "thing.undo".into()
        })
    );
    let choose = r#"
id = "a"
title = "t.a"
start = "pick"
[steps.pick]
kind = "choose"
text = "t.text"
source = "stock"
field = "x"
next = "do"
[steps.do]
kind = "action"
name = "thing.do"
fields = ["x"]
"#;
    assert_eq!(
        kinds(&[("menu.toml", MENU), ("a.toml", choose)]),
        [K::UnknownSource {
            source: "stock".into()
        }]
    );
}

#[test]
fn a_new_flow_is_one_file_and_one_registered_action() {
    let defect = r#"
id = "report_defect"
title = "t.d"
start = "job"
[triggers]
en = ["defect"]
[steps.job]
kind = "choose"
text = "t.text"
source = "my_jobs"
field = "job"
next = "what"
[steps.what]
kind = "ask"
text = "t.text"
field = "description"
input = "text"
next = "send"
[steps.send]
kind = "action"
name = "defect.report"
fields = ["job", "description"]
text = "t.c"
"#;
    let files = [
        ("menu.toml", MENU),
        ("a.toml", A),
        ("report_defect.toml", defect),
    ];
    let set = flows(&files);
    let e = validate(&set, &texts(&[]), &["my_jobs"], &["thing.do"]).unwrap_err();
    assert_eq!(
        e[0].kind,
        K::UnknownAction {
            name: "defect.report".into()
        }
    );
    assert_eq!(
        validate(
            &set,
            &texts(&[]),
            &["my_jobs"],
            &["thing.do", "defect.report"]
        ),
        Ok(())
    );
}

#[test]
fn a_text_missing_in_one_language_or_with_other_placeholders() {
    let t = texts(&[])
        .with(Lang::En, &[("t.new", "Job {job}")])
        .with(Lang::Af, &[("t.new", "Taak {taak}")]);
    let a = A.replace(r#"text = "t.text""#, r#"text = "t.new""#);
    let e = errors(&[("menu.toml", MENU), ("a.toml", &a)], &t);
    assert!(e.iter().any(|x| x.kind
        == K::MissingText {
            lang: Lang::Zu,
            key: "t.new".into()
        }
        && x.step.as_deref() == Some("ask")));
    assert!(e.iter().any(|x| matches!(&x.kind,
        K::Placeholders { lang: Lang::Af, key, .. } if key == "t.new")
        && x.file == "i18n/af.toml"));
}

#[test]
fn an_engine_text_missing_is_an_error_too() {
    let mut t = texts(&[]);
    t.langs.get_mut(&Lang::Zu).unwrap().0.remove("bot.help");
    let k: Vec<K> = errors(&[("menu.toml", MENU), ("a.toml", A)], &t)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(k.contains(&K::MissingText {
        lang: Lang::Zu,
        key: "bot.help".into()
    }));
}

#[test]
fn a_loop_with_no_way_out_is_a_dead_end() {
    let looped = r#"
id = "a"
title = "t.a"
start = "one"
[steps.one]
kind = "say"
text = "t.text"
next = "two"
[steps.two]
kind = "ask"
text = "t.text"
field = "x"
input = "text"
next = "one"
"#;
    let k = kinds(&[("menu.toml", MENU), ("a.toml", looped)]);
    assert_eq!(k, [K::DeadEnd, K::DeadEnd]);
}

#[test]
fn a_menu_with_nothing_to_go_to() {
    let m = MENU.replace(
        r#"options = [{ label = "t.a", flow = "a" }]"#,
        "options = []",
    );
    let k = kinds(&[("menu.toml", &m), ("a.toml", A)]);
    assert!(k.contains(&K::NothingToGoTo));
    assert!(k.contains(&K::DeadEnd));
}

#[test]
fn an_unreachable_step() {
    let a = format!("{A}\n[steps.orphan]\nkind = \"say\"\ntext = \"t.text\"\n");
    let e = errors(&[("menu.toml", MENU), ("a.toml", &a)], &texts(&[]));
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].kind.clone(), e[0].step.as_deref()),
        (K::Unreachable, Some("orphan"))
    );
}

fn menu_with(n: usize) -> String {
    let opts: Vec<String> = (0..n)
        .map(|_| r#"{ label = "t.a", flow = "a" }"#.to_string())
        .collect();
    MENU.replace(r#"{ label = "t.a", flow = "a" }"#, &opts.join(", "))
}

#[test]
fn more_than_ten_options_do_not_fit_a_list() {
    assert_eq!(
        kinds(&[("menu.toml", &menu_with(10)), ("a.toml", A)]),
        vec![]
    );
    assert_eq!(
        kinds(&[("menu.toml", &menu_with(11)), ("a.toml", A)]),
        [K::TooManyOptions { count: 11 }]
    );
}

#[test]
fn titles_are_checked_in_every_language_by_buttons_or_list() {
    let label = "Begin die masjien nou!"; // 22 characters
    let t = texts(&[]).with(Lang::Af, &[("t.a", label)]);
    let k: Vec<K> = errors(&[("menu.toml", &menu_with(3)), ("a.toml", A)], &t)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(k.contains(&K::TooLong {
        lang: Lang::Af,
        key: "t.a".into(),
        len: 22,
        max: 20
    }));
    // Four options are a list, where rows take 24.
    assert_eq!(
        errors(&[("menu.toml", &menu_with(4)), ("a.toml", A)], &t),
        vec![]
    );
    let t = t.with(Lang::Zu, &[("t.a", "Qala umshini manje, sicela!")]);
    let k: Vec<K> = errors(&[("menu.toml", &menu_with(4)), ("a.toml", A)], &t)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(k.iter().any(|x| matches!(
        x,
        K::TooLong {
            lang: Lang::Zu,
            max: 24,
            ..
        }
    )));
}

#[test]
fn an_action_field_nobody_fills() {
    let a = A.replace(r#"fields = ["x"]"#, r#"fields = ["x", "y"]"#);
    assert_eq!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]),
        [K::UnsetField { field: "y".into() }]
    );
}

#[test]
fn options_need_one_target_and_values_only_with_a_field() {
    let m = MENU.replace(r#"flow = "a" }"#, r#"flow = "a", goto = "main" }"#);
    assert!(
        kinds(&[("menu.toml", &m), ("a.toml", A)]).contains(&K::BadOption {
            index: 0,
            why: "has both goto and flow"
        })
    );
    let m = MENU.replace(r#"flow = "a" }"#, r#"flow = "a", value = "v" }"#);
    assert!(matches!(
        kinds(&[("menu.toml", &m), ("a.toml", A)])[..],
        [K::BadOption { index: 0, .. }]
    ));
}

#[test]
fn bounds_that_do_not_fit_the_input() {
    let a = A.replace(
        r#"input = "number""#,
        "input = \"number\"\nmin = 5\nmax = 1",
    );
    assert_eq!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]),
        [K::BadBounds]
    );
    let a = A.replace(r#"input = "number""#, "input = \"yes_no\"\nmax = 1");
    assert_eq!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]),
        [K::BadBounds]
    );
}

#[test]
fn flow_ids_triggers_and_the_main_menu() {
    let dup = FlowSet::new(vec![
        ("a.toml".into(), toml::from_str(A).unwrap()),
        ("b.toml".into(), toml::from_str(A).unwrap()),
    ]);
    assert_eq!(
        dup.unwrap_err()[0].kind,
        K::DuplicateFlow {
            first: "a.toml".into()
        }
    );

    assert!(kinds(&[("a.toml", A)]).contains(&K::NoMainMenu));

    let b = A.replace(r#"id = "a""#, r#"id = "b""#);
    let m = MENU.replace(
        "options = [",
        r#"options = [{ label = "t.b", flow = "b" }, "#,
    );
    assert_eq!(
        kinds(&[("menu.toml", &m), ("a.toml", A), ("b.toml", &b)]),
        [K::DuplicateTrigger {
            lang: Lang::En,
            word: "thing".into(),
            other: "a".into()
        }]
    );
    let a = A.replace(r#"en = ["thing"]"#, r#"en = ["Cancel"]"#);
    assert_eq!(
        kinds(&[("menu.toml", MENU), ("a.toml", &a)]),
        [K::TriggerIsCommand {
            lang: Lang::En,
            word: "Cancel".into()
        }]
    );
}

#[test]
fn typos_in_a_flow_file_fail_to_load() {
    let typo = A.replace(r#"next = "do""#, r#"nxet = "do""#);
    assert!(toml::from_str::<crate::whatsapp::flow::FlowDef>(&typo).is_err());
    let kind = A.replace(r#"kind = "ask""#, r#"kind = "question""#);
    assert!(toml::from_str::<crate::whatsapp::flow::FlowDef>(&kind).is_err());
    let lang = A.replace(r#"en = ["thing"]"#, r#"xh = ["into"]"#);
    assert!(toml::from_str::<crate::whatsapp::flow::FlowDef>(&lang).is_err());
}
