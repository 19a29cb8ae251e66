//! Generated WordPress exports (WXR 1.2) for tests and benchmarks: what
//! the real fixture lacks, at any size. Every text is written by this
//! generator; the facts it writes are returned, so that a test can check an
//! import against them.
//!
//! Each post has a byline in one of several forms (or none), a category
//! from a small tree, tags, a counter plugin's view count, an Armenian
//! title and slug for one post in seven, and a thread of comments (replies
//! to replies, some pending, some spam, some trashed).

use std::io::{self, Write};

/// What a generated export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub posts: u64,
    pub comments: u64,
    pub approved: u64,
    pub replies: u64,
    pub legacy_views: u64,
    pub with_byline: u64,
}

const FIRST: &[&str] = &[
    "Ani", "Aram", "Lilit", "Narek", "Sona", "Hayk", "Mariam", "Tigran",
];
const LAST: &[&str] = &[
    "Petrosyan",
    "Hakobyan",
    "Sarafian",
    "Kazanjian",
    "Der Bedrossian",
];
const PLACES: &[&str] = &[
    "YEREVAN",
    "GYUMRI, Armenia",
    "WATERTOWN, Mass.",
    "BEIRUT",
    "PARIS",
];
const SOURCES: &[&str] = &["Azatutyun", "Armenpress", "news.am"];
const WORDS: &[&str] = &[
    "council",
    "harbour",
    "choir",
    "festival",
    "school",
    "bridge",
    "archive",
    "village",
    "orchestra",
    "library",
    "market",
    "garden",
    "museum",
    "community",
    "teachers",
    "readers",
];
const ARMENIAN: &[&str] = &["Երևան", "համայնք", "դպրոց", "երգչախումբ", "գրադարան"];

/// A small deterministic generator (xorshift), so that a seed gives the
/// same file on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s: Vec<&str> = (0..words).map(|_| rng.pick(WORDS)).collect();
    let first = s[0];
    let cap = first[..1].to_uppercase() + &first[1..];
    s[0] = "";
    format!("{cap}{}.", s.join(" "))
}

/// Writes an export of `posts` posts with about `comments_per_post`
/// comments each, and `paragraphs` paragraphs of body per post; returns
/// its facts.
pub fn generate(
    out: &mut dyn Write,
    posts: u64,
    comments_per_post: u64,
    paragraphs: usize,
    seed: u64,
) -> io::Result<Facts> {
    let mut rng = Rng(seed | 1);
    let mut facts = Facts::default();
    writeln!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Generated Weekly</title>
	<link>https://generated.example</link>
	<description>A generated test export</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://generated.example</wp:base_site_url>
	<wp:base_blog_url>https://generated.example</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_email><![CDATA[desk@generated.example]]></wp:author_email><wp:author_display_name><![CDATA[The Generated Desk]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>
	<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[community]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Community]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[boston]]></wp:category_nicename><wp:category_parent><![CDATA[community]]></wp:category_parent><wp:cat_name><![CDATA[Boston]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[arts-culture]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Arts &amp; Culture]]></wp:cat_name></wp:category>"#
    )?;
    let mut comment_id = 1u64;
    for i in 0..posts {
        let id = 100 + i;
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let year = 2020 + (i / 336) % 6;
        let armenian = i % 7 == 3;
        let title = if armenian {
            format!("{} {} {i}", rng.pick(ARMENIAN), rng.pick(ARMENIAN))
        } else {
            format!(
                "{} {} {i}",
                sentence(&mut rng, 3).trim_end_matches('.'),
                rng.pick(WORDS)
            )
        };
        let slug = if armenian {
            let mut s = String::new();
            for b in title.to_lowercase().replace(' ', "-").bytes() {
                if b.is_ascii_alphanumeric() || b == b'-' {
                    s.push(b as char);
                } else {
                    s.push_str(&format!("%{b:02x}"));
                }
            }
            s
        } else {
            title.to_lowercase().replace(' ', "-")
        };
        let who = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        let place = rng.pick(PLACES);
        let head = match i % 5 {
            0 => String::new(),
            1 => format!("<p>By {who}</p>\n\n<p>{place} — "),
            2 => format!(
                "<p><strong>By {who}</strong></p>\n\n<p><em>Special to the Generated Weekly</em></p>\n\n<p>{place} ({}) &mdash; ",
                rng.pick(SOURCES)
            ),
            3 => format!("By {who}\nSpecial to the Generated Weekly\n\n{place} — "),
            _ => format!("<p>{place} ({} and {}) — ", SOURCES[0], SOURCES[1]),
        };
        if i % 5 != 0 {
            facts.with_byline += 1;
        }
        let mut body = head.clone();
        if head.is_empty() || head.ends_with("— ") && !head.starts_with('<') {
            body.push_str(&sentence(&mut rng, 12));
        } else {
            body.push_str(&sentence(&mut rng, 12));
            body.push_str("</p>");
        }
        for _ in 1..paragraphs.max(1) {
            body.push_str("\n\n");
            body.push_str(&sentence(&mut rng, 40));
        }
        let views = rng.below(5000);
        facts.legacy_views += views;
        let (cat, cat_name) = match i % 3 {
            0 => ("community", "Community"),
            1 => ("boston", "Boston"),
            _ => ("arts-culture", "Arts &amp; Culture"),
        };
        writeln!(
            out,
            r#"	<item>
		<title><![CDATA[{title}]]></title>
		<link>https://generated.example/{year}/{month:02}/{day:02}/{slug}/</link>
		<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">https://generated.example/?p={id}</guid>
		<description></description>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{id}</wp:post_id>
		<wp:post_date><![CDATA[{year}-{month:02}-{day:02} 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{year}-{month:02}-{day:02} 14:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="{cat}"><![CDATA[{cat_name}]]></category>
		<category domain="post_tag" nicename="{tag}"><![CDATA[{tag}]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key><wp:meta_value><![CDATA[{views}]]></wp:meta_value></wp:postmeta>"#,
            tag = rng.pick(WORDS),
            key = if i % 4 == 0 {
                "views"
            } else {
                "post_views_count"
            },
        )?;
        let n = if comments_per_post == 0 {
            0
        } else {
            rng.below(comments_per_post * 2 + 1)
        };
        let first_of_post = comment_id;
        for c in 0..n {
            let parent = if c > 0 && rng.below(3) == 0 {
                first_of_post + rng.below(c)
            } else {
                0
            };
            let state = match rng.below(10) {
                0 => "0",
                1 => "trash",
                2 => "spam",
                _ => "1",
            };
            facts.comments += 1;
            if state == "1" {
                facts.approved += 1;
            }
            if parent > 0 {
                facts.replies += 1;
            }
            writeln!(
                out,
                r#"		<wp:comment><wp:comment_id>{comment_id}</wp:comment_id><wp:comment_author><![CDATA[{who}]]></wp:comment_author><wp:comment_author_email><![CDATA[reader{comment_id}@generated.example]]></wp:comment_author_email><wp:comment_date><![CDATA[{year}-{month:02}-{day:02} 10:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[{year}-{month:02}-{day:02} 15:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[{text}]]></wp:comment_content><wp:comment_approved><![CDATA[{state}]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"#,
                who = rng.pick(FIRST),
                text = sentence(&mut rng, 10),
            )?;
            comment_id += 1;
        }
        writeln!(out, "\t</item>")?;
        facts.posts += 1;
    }
    writeln!(out, "</channel>\n</rss>")?;
    Ok(facts)
}
