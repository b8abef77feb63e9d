//! Every word the bot says, per language: the translation catalogues
//! (`service/flows/i18n/<lang>.toml`, `key = "text with {placeholders}"`)
//! and the rendering of one template with the conversation's values.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A language the bot speaks. English is the reference: every key exists in
/// it, and a key missing in another language falls back to it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Af,
    Zu,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Af, Lang::Zu];

    /// The code used in files, the database and `{lang}` fields.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Af => "af",
            Lang::Zu => "zu",
        }
    }

    /// The language's name in itself, as a person choosing it reads it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Af => "Afrikaans",
            Lang::Zu => "isiZulu",
        }
    }

    /// Reads a code or a name, forgiving case and spaces: `en`, `English`,
    /// `afrikaans`, `isiZulu`, `zulu`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Lang::En),
            "af" | "afr" | "afrikaans" => Some(Lang::Af),
            "zu" | "zul" | "zulu" | "isizulu" | "isi-zulu" => Some(Lang::Zu),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One language's catalogue: key → template. Deserializes from a flat file
/// (`"menu.text" = "…"`), dotted keys (`menu.text = "…"`) or sections
/// (`[menu]` then `text = "…"`), all flattened to dotted keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TextTree", into = "BTreeMap<String, String>")]
pub struct Catalog(pub BTreeMap<String, String>);

/// A catalogue as written, before flattening.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TextTree {
    Text(String),
    Table(BTreeMap<String, TextTree>),
}

impl From<TextTree> for Catalog {
    fn from(t: TextTree) -> Catalog {
        fn walk(prefix: &str, t: TextTree, out: &mut BTreeMap<String, String>) {
            match t {
                TextTree::Text(s) => {
                    out.insert(prefix.to_string(), s);
                }
                TextTree::Table(m) => {
                    for (k, v) in m {
                        let key = if prefix.is_empty() {
                            k
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(&key, v, out);
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        walk("", t, &mut out);
        Catalog(out)
    }
}

impl From<Catalog> for BTreeMap<String, String> {
    fn from(c: Catalog) -> Self {
        c.0
    }
}

impl Catalog {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

/// All catalogues: language → key → template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub langs: BTreeMap<Lang, Catalog>,
}

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    /// Adds (or replaces) one language's catalogue.
    pub fn insert(&mut self, lang: Lang, catalog: Catalog) {
        self.langs.insert(lang, catalog);
    }

    /// Builder for tests and small catalogues.
    pub fn with(mut self, lang: Lang, pairs: &[(&str, &str)]) -> Texts {
        let c = self.langs.entry(lang).or_default();
        for (k, v) in pairs {
            c.0.insert(k.to_string(), v.to_string());
        }
        self
    }

    /// The template in `lang`, with no fallback.
    pub fn get(&self, lang: Lang, key: &str) -> Option<&str> {
        self.langs.get(&lang).and_then(|c| c.get(key))
    }

    /// The template in `lang`, else in English, else none.
    pub fn template(&self, lang: Lang, key: &str) -> Option<&str> {
        self.get(lang, key).or_else(|| self.get(Lang::En, key))
    }

    /// The text for `key` in `lang` (falling back to English) with each
    /// `{name}` replaced by `vars[name]`. A placeholder without a value is
    /// left as written; a key missing everywhere renders as the key itself,
    /// so a mistake shows instead of silence (validation prevents both for
    /// the shipped files).
    pub fn render(&self, lang: Lang, key: &str, vars: &BTreeMap<String, String>) -> String {
        match self.template(lang, key) {
            Some(t) => fill(t, vars),
            None => key.to_string(),
        }
    }

    /// [`Texts::render`] with no values.
    pub fn say(&self, lang: Lang, key: &str) -> String {
        self.render(lang, key, &BTreeMap::new())
    }

    /// Every key in any language.
    pub fn keys(&self) -> BTreeSet<&str> {
        self.langs
            .values()
            .flat_map(|c| c.0.keys().map(String::as_str))
            .collect()
    }

    /// What is wrong with the catalogues themselves, whatever uses them: a
    /// key some language has and another lacks, and a translation whose
    /// placeholders differ from the English ones. Empty when all is well.
    pub fn problems(&self) -> Vec<TextProblem> {
        let mut out = Vec::new();
        for key in self.keys() {
            for lang in Lang::ALL {
                if self.get(lang, key).is_none() {
                    out.push(TextProblem::Missing {
                        lang,
                        key: key.to_string(),
                    });
                }
            }
            let Some(en) = self.get(Lang::En, key) else {
                continue;
            };
            let want = placeholders(en);
            for lang in [Lang::Af, Lang::Zu] {
                if let Some(t) = self.get(lang, key) {
                    let got = placeholders(t);
                    if got != want {
                        out.push(TextProblem::Placeholders {
                            lang,
                            key: key.to_string(),
                            english: want.iter().cloned().collect(),
                            found: got.into_iter().collect(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// A fault in the catalogues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    Missing {
        lang: Lang,
        key: String,
    },
    Placeholders {
        lang: Lang,
        key: String,
        english: Vec<String>,
        found: Vec<String>,
    },
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

/// Whether `s` can be a placeholder, a field or a step name: lower-case
/// letters, digits and `_`, not empty.
pub fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_name_byte)
}

/// Splits a template into literal text and `{name}` placeholders. A brace
/// not around a name (`{`, `{A}`, `{}`) is literal text.
fn pieces(t: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let b = t.as_bytes();
    let (mut i, mut lit) = (0, 0);
    while i < b.len() {
        if b[i] == b'{' {
            let mut j = i + 1;
            while j < b.len() && is_name_byte(b[j]) {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b'}' {
                if lit < i {
                    out.push((false, &t[lit..i]));
                }
                out.push((true, &t[i + 1..j]));
                i = j + 1;
                lit = i;
                continue;
            }
        }
        i += 1;
    }
    if lit < b.len() {
        out.push((false, &t[lit..]));
    }
    out
}

/// The placeholder names in a template.
pub fn placeholders(t: &str) -> BTreeSet<String> {
    pieces(t)
        .into_iter()
        .filter(|(p, _)| *p)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// Replaces each `{name}` that has a value.
pub fn fill(t: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(t.len());
    for (is_var, s) in pieces(t) {
        match (is_var, vars.get(s)) {
            (true, Some(v)) => out.push_str(v),
            (true, None) => {
                out.push('{');
                out.push_str(s);
                out.push('}');
            }
            (false, _) => out.push_str(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn languages_read_codes_and_names() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse(" English "), Some(Lang::En));
        assert_eq!(Lang::parse("AFRIKAANS"), Some(Lang::Af));
        assert_eq!(Lang::parse("isiZulu"), Some(Lang::Zu));
        assert_eq!(Lang::parse("zulu"), Some(Lang::Zu));
        assert_eq!(Lang::parse("xhosa"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.as_str()), Some(l));
            assert_eq!(Lang::parse(l.name()), Some(l));
        }
    }

    #[test]
    fn render_fills_placeholders_and_keeps_unknown_ones() {
        let t = Texts::new().with(Lang::En, &[("hi", "Job {job} for {who}; {x}")]);
        let v = vars(&[("job", "1234"), ("who", "Thandi")]);
        assert_eq!(t.render(Lang::En, "hi", &v), "Job 1234 for Thandi; {x}");
    }

    #[test]
    fn braces_that_are_not_placeholders_stay_literal() {
        assert_eq!(
            placeholders("a {b} {C} {} { {d_1}"),
            ["b", "d_1"].map(String::from).into()
        );
        let v = vars(&[("b", "B")]);
        assert_eq!(fill("{ {b}} {}", &v), "{ B} {}");
        assert_eq!(fill("ends with {", &v), "ends with {");
    }

    #[test]
    fn missing_translation_falls_back_to_english_then_to_the_key() {
        let t = Texts::new()
            .with(Lang::En, &[("a", "Hello"), ("b", "Bye")])
            .with(Lang::Zu, &[("a", "Sawubona")]);
        assert_eq!(t.say(Lang::Zu, "a"), "Sawubona");
        assert_eq!(t.say(Lang::Zu, "b"), "Bye");
        assert_eq!(t.say(Lang::Af, "nope"), "nope");
    }

    #[test]
    fn problems_name_missing_keys_and_placeholder_mismatches() {
        let t = Texts::new()
            .with(Lang::En, &[("a", "Job {job}"), ("b", "x")])
            .with(Lang::Af, &[("a", "Werk {werk}"), ("b", "x")])
            .with(Lang::Zu, &[("a", "Umsebenzi {job}"), ("c", "y")]);
        let p = t.problems();
        assert!(p.contains(&TextProblem::Missing {
            lang: Lang::Zu,
            key: "b".into()
        }));
        assert!(p.contains(&TextProblem::Missing {
            lang: Lang::En,
            key: "c".into()
        }));
        assert!(p.iter().any(|x| matches!(x,
            TextProblem::Placeholders { lang: Lang::Af, key, .. } if key == "a")));
        assert!(!p.iter().any(|x| matches!(x,
            TextProblem::Placeholders { lang: Lang::Zu, key, .. } if key == "a")));
    }

    #[test]
    fn catalogues_flatten_sections_into_dotted_keys() {
        let json = r#"{"menu": {"text": "Hi", "opt": {"a": "A"}}, "help": "Help"}"#;
        let c: Catalog = serde_json::from_str(json).unwrap();
        assert_eq!(c.get("menu.text"), Some("Hi"));
        assert_eq!(c.get("menu.opt.a"), Some("A"));
        assert_eq!(c.get("help"), Some("Help"));
    }
}
