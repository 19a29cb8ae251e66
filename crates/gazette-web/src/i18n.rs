//! The newsroom's language: every reader-facing string, count and date
//! comes from a Fluent catalogue (`locales/{lang}.ftl`), with CLDR plural
//! rules ("1 comment", "2 comments"; Armenian's own). English and Armenian
//! ship built in; a theme overrides any message in
//! `THEME_DIR/locales/{lang}.ftl`. A message missing from a language falls
//! back to English, so a theme's new language may be partial.
//!
//! Templates reach it as `t("id", name=value, …)` and the filters
//! `thousands`, `date_long` and `date_short`.

use std::path::Path;

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

use crate::TemplateError;

/// The languages with a built-in catalogue.
pub const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en.ftl")),
    ("hy", include_str!("../locales/hy.ftl")),
];

pub struct Catalogue {
    /// The newsroom's language, then English for what it lacks.
    bundles: Vec<FluentBundle<FluentResource>>,
    group: String,
    /// Messages asked for without arguments, formatted once: a page asks
    /// for dozens of them (labels, navigation) on every render.
    plain: std::sync::RwLock<std::collections::HashMap<String, std::sync::Arc<str>>>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("languages", &self.bundles.len())
            .finish()
    }
}

fn bundle(
    lang: &str,
    builtin: Option<&str>,
    theme: Option<(&Path, String)>,
) -> Result<FluentBundle<FluentResource>, TemplateError> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: the text goes into HTML as it is.
    b.set_use_isolating(false);
    let parse = |name: &str, text: String| {
        FluentResource::try_new(text).map_err(|(_, errors)| TemplateError::Catalogue {
            file: name.to_owned(),
            why: errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })
    };
    if let Some(text) = builtin {
        b.add_resource(parse(&format!("locales/{lang}.ftl"), text.to_owned())?)
            .map_err(|errors| TemplateError::Catalogue {
                file: format!("locales/{lang}.ftl"),
                why: format!("{errors:?}"),
            })?;
    }
    if let Some((path, text)) = theme {
        b.add_resource_overriding(parse(&path.display().to_string(), text)?);
    }
    Ok(b)
}

impl Catalogue {
    /// The catalogue for `language` (a BCP 47 tag: its first part picks the
    /// catalogue), with a theme's overrides from `theme_dir/locales/`.
    pub fn new(language: &str, theme_dir: Option<&Path>) -> Result<Catalogue, TemplateError> {
        let lang = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase();
        let theme = |lang: &str| -> Result<Option<(std::path::PathBuf, String)>, TemplateError> {
            let Some(dir) = theme_dir else {
                return Ok(None);
            };
            let path = dir.join("locales").join(format!("{lang}.ftl"));
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some((path, text))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(TemplateError::Catalogue {
                    file: path.display().to_string(),
                    why: e.to_string(),
                }),
            }
        };
        let builtin = |lang: &str| BUILTIN.iter().find(|(l, _)| *l == lang).map(|(_, t)| *t);
        let mut bundles = Vec::new();
        if lang != "en" {
            let own = theme(&lang)?;
            if builtin(&lang).is_none() && own.is_none() {
                tracing::warn!(language = %lang, "no catalogue for the newsroom's language; its pages are in English");
            } else {
                bundles.push(bundle(
                    &lang,
                    builtin(&lang),
                    own.as_ref().map(|(p, t)| (p.as_path(), t.clone())),
                )?);
            }
        }
        let en = theme("en")?;
        bundles.push(bundle(
            "en",
            builtin("en"),
            en.as_ref().map(|(p, t)| (p.as_path(), t.clone())),
        )?);
        let mut cat = Catalogue {
            bundles,
            group: String::new(),
            plain: Default::default(),
        };
        cat.group = cat.message("number-group", &FluentArgs::new());
        Ok(cat)
    }

    /// The message `id` without arguments, formatted at its first use.
    pub fn plain(&self, id: &str) -> std::sync::Arc<str> {
        if let Some(known) = self.plain.read().expect("catalogue lock").get(id) {
            return known.clone();
        }
        let text: std::sync::Arc<str> = self.message(id, &FluentArgs::new()).into();
        let mut plain = self.plain.write().expect("catalogue lock");
        // Ids come from templates, not readers; the bound only guards a
        // theme that builds ids from data.
        if plain.len() < 10_000 {
            plain.insert(id.to_owned(), text.clone());
        }
        text
    }

    /// The message `id` with `args`; its id when no catalogue has it.
    pub fn message(&self, id: &str, args: &FluentArgs<'_>) -> String {
        for b in &self.bundles {
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = b.format_pattern(pattern, Some(args), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(message = id, ?errors, "a message could not be filled in");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(message = id, "no such message in the catalogue");
        id.to_owned()
    }

    /// `n` with the language's digit grouping: 12,345 or 12 345.
    pub fn number(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(&self.group);
            }
            out.push(c);
        }
        out
    }

    /// "Friday, November 27, 2026" in the newsroom's language.
    pub fn date_long(&self, year: i64, month: i64, day: i64, weekday: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("year", year.to_string());
        args.set("day", day.to_string());
        args.set(
            "month",
            self.message(&format!("month-{month}"), &FluentArgs::new()),
        );
        args.set(
            "weekday",
            self.message(&format!("weekday-{weekday}"), &FluentArgs::new()),
        );
        self.message("date-long", &args)
    }

    /// "Nov 27, 2026" in the newsroom's language.
    pub fn date_short(&self, year: i64, month: i64, day: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("year", year.to_string());
        args.set("day", day.to_string());
        args.set(
            "month-short",
            self.message(&format!("month-short-{month}"), &FluentArgs::new()),
        );
        self.message("date-short", &args)
    }
}

/// A template value as a message argument: numbers stay numbers (for
/// plural rules), everything else is text.
pub fn argument(v: &minijinja::Value) -> FluentValue<'static> {
    if let Ok(n) = i64::try_from(v.clone()) {
        return FluentValue::from(n);
    }
    if let Ok(n) = f64::try_from(v.clone()) {
        return FluentValue::from(n);
    }
    FluentValue::from(v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(cat: &Catalogue, id: &str, n: u64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", n);
        args.set("n", cat.number(n));
        cat.message(id, &args)
    }

    #[test]
    fn english_counts_are_singular_for_one() {
        let en = Catalogue::new("en-US", None).unwrap();
        assert_eq!(count(&en, "comments", 1), "1 comment");
        assert_eq!(count(&en, "comments", 2), "2 comments");
        assert_eq!(count(&en, "comments", 0), "0 comments");
        assert_eq!(count(&en, "views", 12345), "12,345 views");
        assert_eq!(en.date_long(2026, 11, 27, 5), "Friday, November 27, 2026");
        assert_eq!(en.date_short(2026, 11, 27), "Nov 27, 2026");
    }

    #[test]
    fn armenian_has_its_own_words_numbers_and_dates() {
        let hy = Catalogue::new("hy", None).unwrap();
        assert_eq!(count(&hy, "comments", 1), "1 մեկնաբանություն");
        assert_eq!(count(&hy, "views", 12345), "12\u{a0}345 դիտում");
        assert_eq!(
            hy.date_long(2026, 11, 27, 5),
            "2026 թ. նոյեմբերի 27, ուրբաթ"
        );
        assert_eq!(hy.date_short(2026, 11, 27), "27 նոյ, 2026 թ.");
    }

    #[test]
    fn every_english_message_is_in_armenian_and_both_parse() {
        let ids = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with([' ', '#', '*', '[', '}']) && l.contains(" = "))
                .map(|l| l.split(" = ").next().unwrap().to_owned())
                .collect()
        };
        let (en, hy) = (ids(BUILTIN[0].1), ids(BUILTIN[1].1));
        for id in &en {
            assert!(hy.contains(id), "{id} is missing from hy.ftl");
        }
        for id in &hy {
            assert!(en.contains(id), "{id} is in hy.ftl but not en.ftl");
        }
        Catalogue::new("hy", None).unwrap();
    }

    #[test]
    fn a_theme_overrides_one_message_and_an_unknown_language_is_english() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("locales")).unwrap();
        std::fs::write(
            dir.path().join("locales/en.ftl"),
            "latest-news = Today's paper\n",
        )
        .unwrap();
        let cat = Catalogue::new("en", Some(dir.path())).unwrap();
        assert_eq!(
            cat.message("latest-news", &FluentArgs::new()),
            "Today's paper"
        );
        assert_eq!(count(&cat, "comments", 1), "1 comment");
        let fr = Catalogue::new("fr", None).unwrap();
        assert_eq!(count(&fr, "comments", 2), "2 comments");
        std::fs::write(dir.path().join("locales/en.ftl"), "broken = {\n").unwrap();
        let err = Catalogue::new("en", Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("locales/en.ftl"), "{err}");
    }
}
