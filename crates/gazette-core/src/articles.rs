//! Saving stories: whatever path a story takes into the store (an import,
//! the demo, later the editor), its body is sanitized here first.

use std::sync::LazyLock;

use gazette_domain::ArticleInput;

/// The HTML a story body may hold: ammonia's safe default set (no scripts,
/// no event handlers, no `javascript:` URLs, no inline styles).
static BODY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["figure", "figcaption"])
        .link_rel(Some("noopener noreferrer"));
    b
});

/// A story body as safe HTML.
pub fn sanitize_body(html: &str) -> String {
    if is_plain_paragraphs(html) {
        // Escaped text in <p> elements (every text import) is safe as it
        // is; skipping the parser keeps bulk imports fast.
        return html.to_owned();
    }
    BODY.clean(html).to_string()
}

/// Whether `html` is only `<p>` elements around text that holds no markup.
fn is_plain_paragraphs(html: &str) -> bool {
    let mut rest = html;
    loop {
        rest = rest.trim_start_matches(['\n', ' ']);
        if rest.is_empty() {
            return true;
        }
        let Some(inner) = rest.strip_prefix("<p>") else {
            return false;
        };
        let Some(end) = inner.find("</p>") else {
            return false;
        };
        let text = &inner[..end];
        if text.contains(['<', '>', '"']) || !entities_are_plain(text) {
            return false;
        }
        rest = &inner[end + 4..];
    }
}

/// Only the entities an escaper writes: `&amp; &lt; &gt; &quot; &#39;`.
fn entities_are_plain(text: &str) -> bool {
    text.match_indices('&').all(|(i, _)| {
        let t = &text[i..];
        ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .iter()
            .any(|e| t.starts_with(e))
    })
}

/// The input with its body sanitized.
pub fn sanitized(input: &ArticleInput) -> ArticleInput {
    let mut out = input.clone();
    out.body_html = sanitize_body(&input.body_html);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        "<p>Plain &amp; simple.</p>\n<p>Two.</p>\n",
        "<p>Plain &amp; simple.</p>\n<p>Two.</p>\n"
    )]
    #[case("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>")]
    #[case("<p onclick=\"x()\">Hi</p>", "<p>Hi</p>")]
    #[case(
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a rel=\"noopener noreferrer\">x</a>"
    )]
    #[case("<p>&#60;script&#62;</p>", "<p>&lt;script&gt;</p>")]
    #[case("<svg onload=alert(1)><p>x</p>", "<p>x</p>")]
    #[case(
        "<figure><img src=\"/a.png\" alt=\"A\"><figcaption>Cap</figcaption></figure>",
        "<figure><img src=\"/a.png\" alt=\"A\"><figcaption>Cap</figcaption></figure>"
    )]
    fn bodies_are_made_safe(#[case] html: &str, #[case] want: &str) {
        assert_eq!(sanitize_body(html), want);
    }
}

/// Stories shown with one: related ones and its neighbours in its section.
#[derive(Debug, Default)]
pub struct AroundStory {
    /// Live stories sharing a section, contributor or source, those
    /// sharing more first, then the most recent.
    pub related: Vec<gazette_domain::ArticleSummary>,
    /// The story's own "related headlines", each with the live story of
    /// that headline when there is one.
    pub related_headlines: Vec<(String, Option<gazette_domain::Slug>)>,
    pub neighbours: gazette_store::Neighbours,
}

/// Related stories shown at most.
pub const RELATED_LEN: usize = 5;

impl crate::Core {
    /// What the article page shows around `article`.
    pub async fn around(
        &self,
        article: &gazette_domain::Article,
    ) -> gazette_store::StoreResult<AroundStory> {
        use gazette_store::Page;
        let store = &*self.store;
        let now = self.now();
        let page = Page::new(1, RELATED_LEN as u32 + 1);
        let mut candidates: Vec<(gazette_domain::ArticleSummary, u32)> = Vec::new();
        let mut take = |list: Vec<gazette_domain::ArticleSummary>| {
            for s in list {
                if s.id == article.id {
                    continue;
                }
                match candidates.iter_mut().find(|(c, _)| c.id == s.id) {
                    Some((_, shared)) => *shared += 1,
                    None => candidates.push((s, 1)),
                }
            }
        };
        // The story's first two sections (the rest are usually broad), its
        // writers and its sources.
        for s in article.sections.iter().take(2) {
            take(store.articles_in_section(s, page, now).await?);
        }
        for c in article.contributors.iter().take(4) {
            take(store.articles_by_contributor(c, page, now).await?);
        }
        for s in article.dateline.sources.iter().take(4) {
            take(store.articles_from_source(s, page, now).await?);
        }
        candidates.sort_by(|(a, sa), (b, sb)| {
            sb.cmp(sa)
                .then_with(|| b.published_at.cmp(&a.published_at))
                .then_with(|| b.id.cmp(&a.id))
        });
        let related = candidates
            .into_iter()
            .take(RELATED_LEN)
            .map(|(s, _)| s)
            .collect();
        // An imported "related headline" is linked to the live story whose
        // address its words make, when that story has the same headline.
        let mut related_headlines = Vec::new();
        for h in article.related_headlines.iter().take(10) {
            let slug = match gazette_domain::Slug::from_text(h) {
                Ok(slug) => match store.article_by_slug(slug.as_str(), now).await {
                    Ok(found) if found.headline.trim().eq_ignore_ascii_case(h.trim()) => {
                        Some(found.slug)
                    }
                    Ok(_) | Err(gazette_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e),
                },
                Err(_) => None,
            };
            related_headlines.push((h.clone(), slug));
        }
        let neighbours = match (article.sections.first(), &article.published_at) {
            (Some(s), Some(at)) => {
                store
                    .neighbours_in_section(s.id, article.id, at.timestamp(), now)
                    .await?
            }
            _ => Default::default(),
        };
        Ok(AroundStory {
            related,
            related_headlines,
            neighbours,
        })
    }
}
