//! Turning captured plain text into the sanitized HTML the store keeps.

/// Escapes text for use inside HTML elements and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain-text paragraphs as `<p>` elements. Plain text cannot carry markup,
/// so escaping is the whole of sanitizing here.
pub fn paragraphs(paras: &[String]) -> String {
    let mut out = String::new();
    for p in paras {
        out.push_str("<p>");
        out.push_str(&escape(p));
        out.push_str("</p>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_text_is_escaped() {
        let html = super::paragraphs(&["<script>alert('x')</script> & co".into()]);
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>\n"
        );
    }
}
