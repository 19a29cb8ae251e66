//! The theme: templates compiled into the binary, each overridable by a
//! file of the same name in `theme_dir`.

use std::path::PathBuf;

use minijinja::{Environment, TemplateSource, UndefinedBehavior, path_loader};
use serde::Serialize;

/// Pairs each built-in template's name with its text, compiled in.
macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// The built-in theme, by template name.
const BUILTIN: &[(&str, &str)] = builtin![
    "layouts/base.html",
    "partials/summary.html",
    "partials/pager.html",
    "partials/comment.html",
    "partials/beacon.html",
    "pages/home.html",
    "pages/article.html",
    "pages/listing.html",
    "pages/error.html",
    "pages/top.html",
    "pages/staff.html",
    "pages/search.html",
    "pages/week.html",
    "pages/weeks.html",
    "admin/layout.html",
    "admin/sign_in.html",
    "admin/dashboard.html",
    "admin/comments.html",
    "admin/stories.html",
    "admin/story_edit.html",
    "admin/revisions.html",
    "admin/media.html",
    "admin/views_chart.html",
    "admin/newsroom.html",
    "admin/users.html",
    "admin/account.html",
    "admin/audit.html",
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("theme_dir {0} is not a readable folder")]
    ThemeDir(PathBuf),
    #[error("catalogue {file}: {why}")]
    Catalogue { file: String, why: String },
    #[error("template {name}: {source}")]
    Render {
        name: String,
        #[source]
        source: minijinja::Error,
    },
}

pub struct Templates {
    env: Environment<'static>,
    catalogue: std::sync::Arc<crate::i18n::Catalogue>,
}

impl Templates {
    /// The built-in theme (with `theme_dir`'s overrides) in English.
    pub fn new(theme_dir: Option<PathBuf>) -> Result<Self, TemplateError> {
        Self::for_language(theme_dir, "en")
    }

    /// The theme, its text in `language` (see [`crate::i18n`]).
    pub fn for_language(theme_dir: Option<PathBuf>, language: &str) -> Result<Self, TemplateError> {
        let catalogue =
            std::sync::Arc::new(crate::i18n::Catalogue::new(language, theme_dir.as_deref())?);
        let mut env = Environment::new();
        // A typo in a theme must show, not render as an empty string.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Every template is HTML, whatever its file is called: minijinja
        // would otherwise escape nothing in a theme's `.txt` or `.svg`.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("default delimiters are valid"),
        );
        let overrides = match theme_dir {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(TemplateError::ThemeDir(dir));
                }
                // Theme edits show on the next request.
                env.set_auto_reload(true);
                Some(path_loader(dir))
            }
            None => None,
        };
        env.set_loader(move |name| {
            if let Some(load) = &overrides
                && let Some(source) = load(name)?
            {
                return Ok(Some(source));
            }
            Ok(BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| TemplateSource::new(*s)))
        });
        let cat = catalogue.clone();
        env.add_filter("thousands", move |n: u64| cat.number(n));
        let cat = catalogue.clone();
        env.add_function(
            "t",
            move |id: &str,
                  kwargs: minijinja::value::Kwargs|
                  -> Result<minijinja::Value, minijinja::Error> {
                if kwargs.args().next().is_none() {
                    return Ok(minijinja::Value::from(cat.plain(id)));
                }
                let mut args = fluent_bundle::FluentArgs::new();
                for key in kwargs.args() {
                    let value: minijinja::Value = kwargs.get(key)?;
                    if key == "count"
                        && let Ok(n) = u64::try_from(value.clone())
                    {
                        args.set("n", cat.number(n));
                    }
                    args.set(key.to_owned(), crate::i18n::argument(&value));
                }
                Ok(minijinja::Value::from(cat.message(id, &args)))
            },
        );
        let date = |d: &minijinja::Value, field: &str| -> Result<i64, minijinja::Error> {
            d.get_attr(field).and_then(|v| {
                i64::try_from(v).map_err(|_| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("a date without its {field}"),
                    )
                })
            })
        };
        let cat = catalogue.clone();
        env.add_filter(
            "date_long",
            move |d: minijinja::Value| -> Result<String, minijinja::Error> {
                Ok(cat.date_long(
                    date(&d, "year")?,
                    date(&d, "month")?,
                    date(&d, "day")?,
                    date(&d, "weekday")?,
                ))
            },
        );
        let cat = catalogue.clone();
        env.add_filter(
            "date_short",
            move |d: minijinja::Value| -> Result<String, minijinja::Error> {
                Ok(cat.date_short(date(&d, "year")?, date(&d, "month")?, date(&d, "day")?))
            },
        );
        env.add_global(
            "beacon_js",
            minijinja::Value::from_safe_string(crate::security::BEACON_JS.to_owned()),
        );
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
                && !value.is_safe()
                && let Some(s) = value.as_str()
            {
                return escape_html(out, s);
            }
            minijinja::escape_formatter(out, state, value)
        });
        Ok(Templates { env, catalogue })
    }

    /// A message of the newsroom's catalogue, for text handlers put
    /// together (page titles, notices).
    pub fn text(&self, id: &str, args: &[(&str, fluent_bundle::FluentValue<'_>)]) -> String {
        let mut a = fluent_bundle::FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        self.catalogue.message(id, &a)
    }

    /// The newsroom's catalogue, for dates and numbers handlers write.
    pub fn catalogue(&self) -> &crate::i18n::Catalogue {
        &self.catalogue
    }

    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, TemplateError> {
        let err = |source| TemplateError::Render {
            name: name.to_owned(),
            source,
        };
        let tmpl = self.env.get_template(name).map_err(err)?;
        tmpl.render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
            .map_err(err)
    }
}

/// HTML-escapes `s` the way HTML5 needs: `& < > " '`. minijinja's default
/// also escapes `/`, which bloats every URL on the page for no gain.
fn escape_html(out: &mut minijinja::Output, s: &str) -> Result<(), minijinja::Error> {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[last..i]).map_err(minijinja::Error::from)?;
        out.write_str(rep).map_err(minijinja::Error::from)?;
        last = i + 1;
    }
    out.write_str(&s[last..]).map_err(minijinja::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_dir_overrides_one_template_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pages")).unwrap();
        std::fs::write(dir.path().join("pages/error.html"), "custom {{ status }}").unwrap();
        let t = Templates::new(Some(dir.path().to_owned())).unwrap();
        let html = t
            .render("pages/error.html", minijinja::context! { status => 404 })
            .unwrap();
        assert_eq!(html, "custom 404");
        assert!(t.env.get_template("pages/article.html").is_ok());
        // Edits show without a restart.
        std::fs::write(dir.path().join("pages/error.html"), "changed {{ status }}").unwrap();
        let html = t
            .render("pages/error.html", minijinja::context! { status => 410 })
            .unwrap();
        assert_eq!(html, "changed 410");
    }

    #[test]
    fn text_is_escaped_but_slashes_are_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pages")).unwrap();
        std::fs::write(
            dir.path().join("pages/error.html"),
            "<a href=\"{{ href }}\">{{ text }}</a>",
        )
        .unwrap();
        let t = Templates::new(Some(dir.path().to_owned())).unwrap();
        let html = t
            .render(
                "pages/error.html",
                minijinja::context! { href => "/a/b?x=1&y=2", text => "<script>\"O'Neil\"</script>" },
            )
            .unwrap();
        assert_eq!(
            html,
            "<a href=\"/a/b?x=1&amp;y=2\">&lt;script&gt;&quot;O&#39;Neil&quot;&lt;/script&gt;</a>"
        );
    }

    #[test]
    fn theme_files_are_escaped_whatever_their_extension() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("partials")).unwrap();
        std::fs::create_dir_all(dir.path().join("pages")).unwrap();
        std::fs::write(dir.path().join("partials/line.txt"), "{{ text }}").unwrap();
        std::fs::write(
            dir.path().join("partials/icon.svg"),
            "<svg>{{ text }}</svg>",
        )
        .unwrap();
        std::fs::write(dir.path().join("partials/plain"), "{{ text }}").unwrap();
        std::fs::write(
            dir.path().join("pages/error.html"),
            "{% include 'partials/line.txt' %}|{% include 'partials/icon.svg' %}|{% include 'partials/plain' %}",
        )
        .unwrap();
        let t = Templates::new(Some(dir.path().to_owned())).unwrap();
        let html = t
            .render(
                "pages/error.html",
                minijinja::context! { text => "<img src=x onerror=alert(1)>" },
            )
            .unwrap();
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(html.matches("&lt;img").count(), 3, "{html}");
        for name in ["partials/line.txt", "partials/icon.svg"] {
            let html = t
                .render(name, minijinja::context! { text => "<b>\"x\"</b>" })
                .unwrap();
            assert!(html.contains("&lt;b&gt;&quot;x&quot;"), "{name}: {html}");
        }
    }

    #[test]
    fn missing_theme_dir_is_an_error() {
        assert!(matches!(
            Templates::new(Some("/no/such/theme".into())),
            Err(TemplateError::ThemeDir(_))
        ));
    }

    #[test]
    fn builtin_templates_all_compile() {
        let t = Templates::new(None).unwrap();
        for (name, _) in BUILTIN {
            t.env
                .get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
