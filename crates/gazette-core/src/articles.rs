//! Saving stories: whatever path a story takes into the store (an import,
//! the demo, later the editor), its body is sanitized here first.

use std::{
    collections::HashMap,
    sync::{
        Arc, LazyLock, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use gazette_store::StoreResult;

use gazette_domain::ArticleInput;

/// The HTML a story body may hold: ammonia's safe default set (no scripts,
/// no event handlers, no `javascript:` URLs, no inline styles).
static BODY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["figure", "figcaption", "picture", "source"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
        .add_tag_attributes("source", ["srcset", "sizes", "type"])
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
    #[case(
        "<picture><source type=\"image/webp\" srcset=\"/images/a-480.webp 480w\" onerror=\"x()\"><img src=\"/images/a-480.jpg\" srcset=\"/images/a-480.jpg 480w\" sizes=\"100vw\" alt=\"A\" loading=\"lazy\" decoding=\"async\"></picture>",
        "<picture><source type=\"image/webp\" srcset=\"/images/a-480.webp 480w\"><img src=\"/images/a-480.jpg\" srcset=\"/images/a-480.jpg 480w\" sizes=\"100vw\" alt=\"A\" loading=\"lazy\" decoding=\"async\"></picture>"
    )]
    fn bodies_are_made_safe(#[case] html: &str, #[case] want: &str) {
        assert_eq!(sanitize_body(html), want);
    }
}

/// Stories shown with one: related ones and its linked related headlines
/// (its neighbours in its section come with it from [`gazette_store::Store::story_page`]).
#[derive(Debug, Default)]
pub struct AroundStory {
    /// Live stories sharing a section, contributor or source, those
    /// sharing more first, then the most recent.
    pub related: Vec<gazette_domain::ArticleSummary>,
    /// The story's own "related headlines", each with the live story of
    /// that headline when there is one.
    pub related_headlines: Vec<(String, Option<gazette_domain::Slug>)>,
}

/// The newest stories of one section, writer or source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Head {
    Section(gazette_domain::SectionId),
    Contributor(gazette_domain::ContributorId),
    Source(gazette_domain::SourceId),
}

/// The first page of the lists related stories are drawn from, kept until
/// a story or comment changes (the counts they show) and at most a minute
/// (a scheduled story comes in at its time). A long-tail article render
/// would otherwise read up to ten lists that every story in the same
/// section shares.
#[derive(Default)]
pub(crate) struct Heads {
    lists: Mutex<HashMap<Head, (List, Instant)>>,
    /// Bumped by every forgetting: a read begun before one is not kept.
    generation: AtomicU64,
}

/// A kept list, shared by every render that reads it.
type List = Arc<Vec<gazette_domain::ArticleSummary>>;

/// How long a kept list is trusted without a change.
const HEAD_FRESH: Duration = Duration::from_secs(60);
/// Lists kept at most; past it the map starts again.
const HEADS_KEPT: usize = 50_000;

impl Heads {
    async fn get<F, Fut>(
        &self,
        head: Head,
        read: F,
    ) -> StoreResult<Arc<Vec<gazette_domain::ArticleSummary>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = StoreResult<Vec<gazette_domain::ArticleSummary>>>,
    {
        if let Some((list, at)) = self.lists.lock().expect("heads lock").get(&head)
            && at.elapsed() < HEAD_FRESH
        {
            return Ok(list.clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let list = Arc::new(read().await?);
        let mut lists = self.lists.lock().expect("heads lock");
        if self.generation.load(Ordering::Acquire) == generation {
            if lists.len() >= HEADS_KEPT {
                lists.clear();
            }
            lists.insert(head, (list.clone(), Instant::now()));
        }
        Ok(list)
    }

    /// Forgets every kept list.
    pub(crate) fn forget(&self) {
        let mut lists = self.lists.lock().expect("heads lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        lists.clear();
    }
}

/// Related stories shown at most.
pub const RELATED_LEN: usize = 5;

impl crate::Core {
    /// The related stories the article page shows around `article`.
    pub async fn around(
        &self,
        article: &gazette_domain::Article,
    ) -> gazette_store::StoreResult<AroundStory> {
        use gazette_store::Page;
        let store = &*self.store;
        let now = self.now();
        let page = Page::new(1, RELATED_LEN as u32 + 1);
        let mut candidates: Vec<(gazette_domain::ArticleSummary, u32)> = Vec::new();
        let mut take = |list: Arc<Vec<gazette_domain::ArticleSummary>>| {
            for s in list.iter() {
                if s.id == article.id {
                    continue;
                }
                match candidates.iter_mut().find(|(c, _)| c.id == s.id) {
                    Some((_, shared)) => *shared += 1,
                    None => candidates.push((s.clone(), 1)),
                }
            }
        };
        // The story's first two sections (the rest are usually broad), its
        // writers and its sources.
        // Each list is the same for every story that shares it: read once
        // per change (see [`Heads`]), not once per long-tail render.
        for s in article.sections.iter().take(2) {
            take(
                self.heads
                    .get(Head::Section(s.id), || {
                        store.articles_in_section(s, page, now)
                    })
                    .await?,
            );
        }
        for c in article.contributors.iter().take(4) {
            take(
                self.heads
                    .get(Head::Contributor(c.id), || {
                        store.articles_by_contributor(c, page, now)
                    })
                    .await?,
            );
        }
        for s in article.dateline.sources.iter().take(4) {
            take(
                self.heads
                    .get(Head::Source(s.id), || {
                        store.articles_from_source(s, page, now)
                    })
                    .await?,
            );
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
        Ok(AroundStory {
            related,
            related_headlines,
        })
    }
}
