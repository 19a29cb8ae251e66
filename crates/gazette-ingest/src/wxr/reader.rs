//! A streaming reader of WordPress eXtended RSS: one entry (the site, an
//! author, a category, a tag, an item) at a time, whatever the file's size.
//! Memory holds the entry being read and one read buffer, never the file.

use std::io::{BufRead, BufReader, Read};

use quick_xml::{Reader, events::Event};

use super::{Author, Entry, Item, ItemTerm, Site, Term, WxrComment, WxrError};

/// The longest text one element may hold (a post's content, say). Larger
/// is refused: a crafted file must not make the importer hold gigabytes.
pub const MAX_TEXT: usize = 32 << 20;

/// WXR versions this reader knows. WordPress has written 1.0 to 1.2 since
/// 2009; the format of the items has not changed in ways this reader sees.
pub const KNOWN_VERSIONS: &[&str] = &["1.0", "1.1", "1.2"];

/// Counts lines in what the XML parser consumed, to name line and column in
/// errors without keeping the file.
struct Lines<R> {
    inner: R,
    /// Bytes consumed so far.
    pos: u64,
    /// Newlines in them.
    lines: u64,
    /// Byte position just after the last newline.
    line_start: u64,
    /// The positions of recent newlines (a bounded window), so that a
    /// position a little behind `pos` can still be placed.
    recent: std::collections::VecDeque<u64>,
}

const RECENT_NEWLINES: usize = 1 << 16;

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            for i in memchr_iter(&buf[..amt.min(buf.len())]) {
                let at = self.pos + i as u64 + 1;
                self.lines += 1;
                self.line_start = at;
                if self.recent.len() == RECENT_NEWLINES {
                    self.recent.pop_front();
                }
                self.recent.push_back(at);
            }
        }
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

fn memchr_iter(buf: &[u8]) -> impl Iterator<Item = usize> + '_ {
    buf.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

impl<R> Lines<R> {
    /// 1-based line and column (in bytes) of a byte position at or before
    /// the consumed end.
    fn place(&self, at: u64) -> (u64, u64) {
        if at >= self.line_start {
            return (self.lines + 1, at - self.line_start + 1);
        }
        // Newlines after `at` in the window.
        let after = self.recent.iter().rev().take_while(|&&n| n > at).count() as u64;
        let line = self.lines - after;
        let start = self
            .recent
            .iter()
            .rev()
            .find(|&&n| n <= at)
            .copied()
            .unwrap_or(0);
        (line + 1, at - start + 1)
    }
}

/// Which element the reader is collecting text for, with its path.
#[derive(Default)]
struct State {
    path: Vec<String>,
    text: String,
    site: Site,
    site_sent: bool,
    author: Option<Author>,
    term: Option<Term>,
    item: Option<Item>,
    comment: Option<WxrComment>,
    meta: Option<(String, String)>,
    item_term: Option<ItemTerm>,
    in_channel: bool,
    seen_rss: bool,
}

/// Reads a WXR file entry by entry.
///
/// ```no_run
/// # use gazette_ingest::wxr::{WxrReader, Entry};
/// let mut r = WxrReader::new(std::fs::File::open("export.xml")?);
/// while let Some(entry) = r.next_entry()? {
///     if let Entry::Item(item) = entry { println!("{}", item.title); }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WxrReader<R: Read> {
    xml: Reader<Lines<BufReader<R>>>,
    buf: Vec<u8>,
    st: State,
    done: bool,
    pending: std::collections::VecDeque<Entry>,
}

impl<R: Read> WxrReader<R> {
    pub fn new(input: R) -> Self {
        let lines = Lines {
            inner: BufReader::with_capacity(256 << 10, input),
            pos: 0,
            lines: 0,
            line_start: 0,
            recent: Default::default(),
        };
        let mut xml = Reader::from_reader(lines);
        let cfg = xml.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        cfg.expand_empty_elements = true;
        WxrReader {
            xml,
            buf: Vec::with_capacity(64 << 10),
            st: State::default(),
            done: false,
            pending: Default::default(),
        }
    }

    /// Bytes read so far, for progress.
    pub fn position(&self) -> u64 {
        self.xml.get_ref().pos
    }

    fn error_at(&self, at: u64, message: impl Into<String>) -> WxrError {
        let (line, column) = self.xml.get_ref().place(at);
        WxrError {
            line,
            column,
            message: message.into(),
            fatal: true,
        }
    }

    /// The next entry, `None` at the end of the file. A malformed or
    /// truncated file is an error naming the line and column; after one the
    /// reader gives nothing more.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(e));
            }
            if self.done {
                return Ok(None);
            }
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => {
                    self.done = true;
                    let at = self.xml.error_position();
                    return Err(self.error_at(at, format!("the XML is malformed: {e}")));
                }
            };
            let at = self.xml.buffer_position();
            match event {
                Event::Start(s) => {
                    let name = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                    let mut attrs = Vec::new();
                    for a in s.attributes().flatten() {
                        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                        let value = a
                            .unescape_value()
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        attrs.push((key, value));
                    }
                    self.start(&name, attrs, at)?;
                }
                Event::End(_) => {
                    self.end(at)?;
                }
                Event::Text(t) => {
                    let s = t
                        .xml_content()
                        .map_err(|e| self.error_at(at, format!("the text is not UTF-8: {e}")))?;
                    self.push_text(&s, at)?;
                }
                Event::CData(t) => {
                    let s = t
                        .decode()
                        .map_err(|e| self.error_at(at, format!("the text is not UTF-8: {e}")))?;
                    self.push_text(&s, at)?;
                }
                Event::GeneralRef(r) => {
                    let s = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                            match quick_xml::escape::resolve_xml_entity(&name) {
                                Some(v) => v.to_owned(),
                                None => {
                                    return Err(self.error_at(
                                        at,
                                        format!(
                                            "&{name}; is not an XML entity (only &amp; &lt; &gt; &quot; &apos; and numeric ones are)"
                                        ),
                                    ));
                                }
                            }
                        }
                        Err(e) => return Err(self.error_at(at, format!("bad character: {e}"))),
                    };
                    self.push_text(&s, at)?;
                }
                Event::Eof => {
                    self.done = true;
                    if !self.st.path.is_empty() {
                        let open = self.st.path.last().cloned().unwrap_or_default();
                        return Err(self.error_at(
                            at,
                            format!(
                                "the file ends inside <{open}>: it is truncated; export it again or copy it whole"
                            ),
                        ));
                    }
                    if !self.st.seen_rss {
                        return Err(self.error_at(
                            at,
                            "this is not a WordPress export: there is no <rss> element",
                        ));
                    }
                    if !self.st.site_sent {
                        self.st.site_sent = true;
                        return Ok(Some(Entry::Site(std::mem::take(&mut self.st.site))));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    fn push_text(&mut self, s: &str, at: u64) -> Result<(), WxrError> {
        if self.st.text.len() + s.len() > MAX_TEXT {
            self.done = true;
            return Err(self.error_at(
                at,
                format!(
                    "an element holds more than {} MiB of text; this importer refuses it",
                    MAX_TEXT >> 20
                ),
            ));
        }
        self.st.text.push_str(s);
        Ok(())
    }

    fn start(&mut self, name: &str, attrs: Vec<(String, String)>, at: u64) -> Result<(), WxrError> {
        let depth = self.st.path.len();
        if depth == 0 && name != "rss" {
            self.done = true;
            return Err(self.error_at(
                at,
                format!("this is not a WordPress export: it starts with <{name}>, not <rss>"),
            ));
        }
        if name == "rss" {
            self.st.seen_rss = true;
        }
        if depth == 1 && name == "channel" {
            self.st.in_channel = true;
        }
        let in_channel = depth == 2 && self.st.in_channel;
        if in_channel
            && matches!(
                name,
                "wp:author" | "wp:category" | "wp:tag" | "wp:term" | "item"
            )
        {
            self.send_site(at)?;
        }
        match (depth, name) {
            (2, "wp:author") => self.st.author = Some(Author::default()),
            (2, "wp:category" | "wp:tag" | "wp:term") => self.st.term = Some(Term::default()),
            (2, "item") => {
                let (line, _) = self.xml.get_ref().place(at);
                self.st.item = Some(Item {
                    line,
                    ..Default::default()
                })
            }
            (3, "wp:comment") if self.st.item.is_some() => {
                self.st.comment = Some(WxrComment::default())
            }
            (3, "wp:postmeta") if self.st.item.is_some() => self.st.meta = Some(Default::default()),
            (3, "category") if self.st.item.is_some() => {
                let mut t = ItemTerm::default();
                for (k, v) in attrs {
                    match k.as_str() {
                        "domain" => t.domain = v,
                        "nicename" => t.nicename = v,
                        _ => {}
                    }
                }
                self.st.item_term = Some(t);
            }
            _ => {}
        }
        self.st.path.push(name.to_owned());
        self.st.text.clear();
        Ok(())
    }

    fn send_site(&mut self, at: u64) -> Result<(), WxrError> {
        if self.st.site_sent {
            return Ok(());
        }
        let v = self.st.site.wxr_version.clone();
        if v.is_empty() {
            self.done = true;
            return Err(self.error_at(
                at,
                "the export has no <wp:wxr_version>: it is not a WordPress export (Tools → Export writes one)",
            ));
        }
        if !KNOWN_VERSIONS.contains(&v.as_str()) {
            self.done = true;
            return Err(self.error_at(
                at,
                format!(
                    "WXR version {v} is unknown: this importer reads {}",
                    KNOWN_VERSIONS.join(", ")
                ),
            ));
        }
        self.st.site_sent = true;
        self.pending
            .push_back(Entry::Site(std::mem::take(&mut self.st.site)));
        Ok(())
    }

    fn end(&mut self, at: u64) -> Result<(), WxrError> {
        let Some(name) = self.st.path.pop() else {
            return Ok(());
        };
        let text = std::mem::take(&mut self.st.text);
        let depth = self.st.path.len();
        let st = &mut self.st;
        if depth == 2 && st.in_channel {
            match name.as_str() {
                "title" => st.site.title = text,
                "link" => st.site.link = text.trim().to_owned(),
                "description" => st.site.description = text,
                "language" => st.site.language = text.trim().to_owned(),
                "wp:wxr_version" => st.site.wxr_version = text.trim().to_owned(),
                "wp:base_site_url" => st.site.base_site_url = text.trim().to_owned(),
                "wp:base_blog_url" => st.site.base_blog_url = text.trim().to_owned(),
                "wp:author" => {
                    if let Some(a) = st.author.take() {
                        self.pending.push_back(Entry::Author(a));
                    }
                }
                "wp:category" => {
                    if let Some(t) = st.term.take() {
                        self.pending.push_back(Entry::Category(t));
                    }
                }
                "wp:tag" => {
                    if let Some(t) = st.term.take() {
                        self.pending.push_back(Entry::Tag(t));
                    }
                }
                "wp:term" => {
                    st.term = None;
                }
                "item" => {
                    if let Some(i) = st.item.take() {
                        self.pending.push_back(Entry::Item(Box::new(i)));
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        if depth == 1 && name == "channel" {
            st.in_channel = false;
            return self.send_site(at);
        }
        if let Some(a) = st.author.as_mut()
            && depth == 3
        {
            let t = text.trim().to_owned();
            match name.as_str() {
                "wp:author_id" => a.id = t.parse().ok(),
                "wp:author_login" => a.login = t,
                "wp:author_email" => a.email = t,
                "wp:author_display_name" => a.display_name = t,
                "wp:author_first_name" => a.first_name = t,
                "wp:author_last_name" => a.last_name = t,
                _ => {}
            }
            return Ok(());
        }
        if let Some(term) = st.term.as_mut()
            && depth == 3
        {
            match name.as_str() {
                "wp:term_id" => term.id = text.trim().parse().ok(),
                "wp:category_nicename" | "wp:tag_slug" => term.slug = text.trim().to_owned(),
                "wp:category_parent" => term.parent = text.trim().to_owned(),
                "wp:cat_name" | "wp:tag_name" => term.name = text,
                "wp:category_description" | "wp:tag_description" => term.description = text,
                _ => {}
            }
            return Ok(());
        }
        let Some(item) = st.item.as_mut() else {
            return Ok(());
        };
        if depth == 4 {
            if let Some(c) = st.comment.as_mut() {
                let t = || text.trim().to_owned();
                match name.as_str() {
                    "wp:comment_id" => c.id = t().parse().unwrap_or(0),
                    "wp:comment_author" => c.author = t(),
                    "wp:comment_author_email" => c.author_email = t(),
                    "wp:comment_author_url" => c.author_url = t(),
                    "wp:comment_date_gmt" => c.date_gmt = t(),
                    "wp:comment_date" => c.date = t(),
                    "wp:comment_content" => c.content = text,
                    "wp:comment_approved" => c.approved = t(),
                    "wp:comment_type" => c.kind = t(),
                    "wp:comment_parent" => c.parent = t().parse().unwrap_or(0),
                    _ => {}
                }
            } else if let Some(m) = st.meta.as_mut() {
                match name.as_str() {
                    "wp:meta_key" => m.0 = text.trim().to_owned(),
                    "wp:meta_value" => m.1 = text,
                    _ => {}
                }
            }
            return Ok(());
        }
        if depth != 3 {
            return Ok(());
        }
        let t = || text.trim().to_owned();
        match name.as_str() {
            "title" => item.title = text.trim().to_owned(),
            "link" => item.link = t(),
            "guid" => item.guid = t(),
            "dc:creator" => item.creator = t(),
            "content:encoded" => item.content = text,
            "excerpt:encoded" => item.excerpt = text,
            "wp:post_id" => item.post_id = t().parse().unwrap_or(0),
            "wp:post_date" => item.post_date = t(),
            "wp:post_date_gmt" => item.post_date_gmt = t(),
            "wp:post_name" => item.post_name = t(),
            "wp:status" => item.status = t(),
            "wp:post_parent" => item.post_parent = t().parse().unwrap_or(0),
            "wp:post_type" => item.post_type = t(),
            "wp:is_sticky" => item.sticky = t() == "1",
            "wp:attachment_url" => item.attachment_url = t(),
            "wp:comment" => {
                if let Some(c) = st.comment.take() {
                    item.comments.push(c);
                }
            }
            "wp:postmeta" => {
                if let Some(m) = st.meta.take() {
                    item.meta.push(m);
                }
            }
            "category" => {
                if let Some(mut it) = st.item_term.take() {
                    it.name = text.trim().to_owned();
                    item.terms.push(it);
                }
            }
            _ => {}
        }
        Ok(())
    }
}
