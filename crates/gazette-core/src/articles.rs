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
