use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The URL-safe name of an article, section, contributor or source:
/// lower-case ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Slugs longer than this are cut at a word boundary; long headlines make
/// unwieldy URLs.
const MAX_SLUG_LEN: usize = 80;

impl Slug {
    /// Makes a slug from any text (a headline, a name), transliterating
    /// non-Latin letters ("Ծաղկաձոր" -> "tsaghkadzor"-like ASCII).
    pub fn from_text(text: &str) -> Result<Self, DomainError> {
        let mut s = slug::slugify(text);
        if s.len() > MAX_SLUG_LEN {
            let cut = s[..MAX_SLUG_LEN].rfind('-').unwrap_or(MAX_SLUG_LEN);
            s.truncate(cut);
        }
        if s.is_empty() {
            return Err(DomainError::Empty { what: "slug" });
        }
        Ok(Slug(s))
    }

    /// Accepts an existing slug as is, or says why it is not one.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let ok = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err(DomainError::Invalid {
                what: "slug",
                value: s.to_owned(),
                why: "use lower-case letters, digits and single hyphens".into(),
            })
        }
    }

    /// This slug with a numeric suffix, used when the plain slug is taken.
    pub fn with_suffix(&self, n: u32) -> Slug {
        Slug(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "Yerevan Seeks US Help for Release of Armenian Prisoners",
        "yerevan-seeks-us-help-for-release-of-armenian-prisoners"
    )]
    #[case("Armenia & Karabakh", "armenia-karabakh")]
    #[case("Panorama.am", "panorama-am")]
    #[case("  Café — Société  ", "cafe-societe")]
    #[case("Ծաղկաձոր", "tsaghkadzor")]
    fn slugs_from_text(#[case] text: &str, #[case] want: &str) {
        assert_eq!(Slug::from_text(text).unwrap().as_str(), want);
    }

    #[test]
    fn empty_text_is_refused() {
        assert!(Slug::from_text(" — ").is_err());
    }

    #[test]
    fn long_slugs_are_cut_at_a_word() {
        let s = Slug::from_text(&"word ".repeat(40)).unwrap();
        assert!(s.as_str().len() <= MAX_SLUG_LEN);
        assert!(!s.as_str().ends_with('-'));
    }

    #[rstest]
    #[case("ok-slug-1", true)]
    #[case("Bad", false)]
    #[case("a--b", false)]
    #[case("-a", false)]
    #[case("", false)]
    fn parse_checks_the_shape(#[case] s: &str, #[case] ok: bool) {
        assert_eq!(Slug::parse(s).is_ok(), ok);
    }
}
