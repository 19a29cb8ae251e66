//! Old addresses that keep working: a site moved to Gazette (a WordPress
//! import) leaves URLs in search engines, links and bookmarks, and each must
//! answer with one redirect to its new page.

use std::{fmt, str::FromStr};

use crate::{DomainError, Slug};

/// A page of the site an old address may lead to, other than an article.
/// Stored by name (`section:arts`), never as a path, so that the site's
/// URL scheme can change without breaking stored redirects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    Home,
    Section(Slug),
    Contributor(Slug),
    Source(Slug),
    Tag(Slug),
    /// A file brought in from the old site's uploads, by its path under
    /// the media folder (`2021/03/choir.png`).
    Media(String),
    /// An address elsewhere (a file left on the old site).
    Url(String),
}

/// Whether `rel` is a safe path under the media folder: relative, no `..`,
/// no empty or hidden parts, no control characters.
pub fn is_media_path(rel: &str) -> bool {
    !rel.is_empty()
        && rel.len() <= 512
        && !rel.starts_with('/')
        && rel.split('/').all(|p| !p.is_empty() && !p.starts_with('.'))
        && !rel.chars().any(|c| c.is_control() || c == '\\')
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Home => f.write_str("home"),
            Place::Section(s) => write!(f, "section:{s}"),
            Place::Contributor(s) => write!(f, "contributor:{s}"),
            Place::Source(s) => write!(f, "source:{s}"),
            Place::Tag(s) => write!(f, "tag:{s}"),
            Place::Media(p) => write!(f, "media:{p}"),
            Place::Url(u) => write!(f, "url:{u}"),
        }
    }
}

impl FromStr for Place {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            DomainError::Invalid {
            what: "redirect target",
            value: s.to_owned(),
            why: "use home, section:SLUG, contributor:SLUG, source:SLUG, tag:SLUG, media:PATH or url:https://..."
                .into(),
        }
        };
        if s == "home" {
            return Ok(Place::Home);
        }
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "section" => Ok(Place::Section(Slug::parse(rest)?)),
            "contributor" => Ok(Place::Contributor(Slug::parse(rest)?)),
            "source" => Ok(Place::Source(Slug::parse(rest)?)),
            "tag" => Ok(Place::Tag(Slug::parse(rest)?)),
            "media" if is_media_path(rest) => Ok(Place::Media(rest.to_owned())),
            "url" if rest.starts_with("https://") || rest.starts_with("http://") => {
                Ok(Place::Url(rest.to_owned()))
            }
            _ => Err(bad()),
        }
    }
}

/// Query parameters that name a page by themselves (`/?p=123`,
/// `/?page_id=9`, `/?attachment_id=4`, `/?cat=5`); every other parameter
/// (tracking, `utm_*`) is ignored when an old address is looked up.
pub const NAMING_PARAMS: &[&str] = &["p", "page_id", "attachment_id", "cat", "tag", "author"];

/// The form an old address is stored and looked up in: the path
/// percent-decoded (so that `%d5%b6...` and the Armenian letters it spells
/// are one key, whatever the case of the hex digits), without a trailing
/// slash, lower-cased, plus the naming parameters in a fixed order.
///
/// ```
/// use gazette_domain::old_url_key;
/// assert_eq!(old_url_key("/2021/03/01/Some-Story/", &[]), "/2021/03/01/some-story");
/// assert_eq!(old_url_key("/%D5%B6/", &[]), "/ն");
/// assert_eq!(old_url_key("/", &[("utm_source".into(), "x".into()), ("p".into(), "12".into())]), "/?p=12");
/// ```
pub fn old_url_key(path: &str, query: &[(String, String)]) -> String {
    let decoded = percent_decode(path);
    let trimmed = decoded.trim_end_matches('/');
    let mut key = if trimmed.is_empty() {
        "/".to_owned()
    } else if trimmed.starts_with('/') {
        trimmed.to_lowercase()
    } else {
        format!("/{}", trimmed.to_lowercase())
    };
    let mut first = true;
    for name in NAMING_PARAMS {
        if let Some((_, v)) = query.iter().find(|(k, _)| k == name) {
            key.push(if first { '?' } else { '&' });
            first = false;
            key.push_str(name);
            key.push('=');
            key.push_str(v.trim());
        }
    }
    key
}

/// Percent-decoding; bytes that do not make UTF-8 are kept as written.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_of_one_address_share_a_key() {
        let armenian = "/2021/10/03/%d5%b6%d5%a5%d6%80/";
        assert_eq!(old_url_key(armenian, &[]), "/2021/10/03/ներ");
        assert_eq!(
            old_url_key(&armenian.to_uppercase(), &[]),
            "/2021/10/03/ներ"
        );
        assert_eq!(old_url_key("/2021/10/03/ներ", &[]), "/2021/10/03/ներ");
    }

    #[test]
    fn broken_escapes_stay_as_written() {
        assert_eq!(old_url_key("/a%zz%", &[]), "/a%zz%");
        assert_eq!(old_url_key("/%ff%fe", &[]), "/%ff%fe");
    }

    #[test]
    fn places_round_trip_by_name() {
        for p in [
            Place::Home,
            Place::Section(Slug::parse("arts").unwrap()),
            Place::Contributor(Slug::parse("ani").unwrap()),
            Place::Source(Slug::parse("azatutyun").unwrap()),
            Place::Tag(Slug::parse("yerevan").unwrap()),
            Place::Url("https://old.example/a.png".into()),
            Place::Media("2021/03/a.png".into()),
        ] {
            assert_eq!(p.to_string().parse::<Place>().unwrap(), p);
        }
        for bad in [
            "",
            "section:",
            "section:A B",
            "url:javascript:alert(1)",
            "tag:X Y",
            "media:../etc/passwd",
            "media:/etc/passwd",
            "media:a/.hidden",
            "media:a//b",
        ] {
            assert!(bad.parse::<Place>().is_err(), "{bad}");
        }
    }

    #[test]
    fn naming_parameters_are_ordered() {
        let q = [("page_id".into(), "9".into()), ("p".into(), "3".into())];
        assert_eq!(old_url_key("", &q), "/?p=3&page_id=9");
    }
}
