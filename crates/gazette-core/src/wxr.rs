//! Importing a WordPress export (WXR) into the store.
//!
//! Two streaming passes over the file, on a thread of their own so that
//! reading and storing overlap: the first learns what items refer to
//! (authors, categories, attachments), the second maps each item and hands
//! batches to this side, which stores each batch's articles, then their
//! comments, then their old addresses. Everything is keyed by the site and
//! WordPress's ids, so a run that is stopped part-way and run again ends
//! with exactly the content of one whole run.

use std::{
    collections::{BTreeMap, HashMap},
    io::Read,
    sync::Arc,
};

use gazette_domain::{CommentId, NewComment, Place, old_url_key};
use gazette_ingest::wxr::{
    Entry, ImportItem, ItemKind, Mapper, MenuLink, MenuTarget, Term, WxrError, WxrReader,
};
use gazette_store::{ImportedComment, Redirect, RedirectTarget, Store, StoreError};
use tokio::sync::mpsc;

use crate::{Core, articles::sanitized, comments};

/// How an import runs.
#[derive(Debug, Clone)]
pub struct WxrOptions {
    /// Stop at the first problem, storing nothing of the batch it is in.
    pub strict: bool,
    /// Items stored per transaction.
    pub batch: usize,
    /// A copy of the old site's `wp-content/uploads` to bring the files in
    /// from, and the media folder they go to (served at [`MEDIA_BASE`]).
    pub uploads: Option<Uploads>,
}

/// Where uploaded files come from and go.
#[derive(Debug, Clone)]
pub struct Uploads {
    pub from: std::path::PathBuf,
    pub media_dir: std::path::PathBuf,
}

/// Text a batch holds at most before it is stored, whatever its count.
const BATCH_BYTES: usize = 4 << 20;

/// Where brought-in files are served.
pub const MEDIA_BASE: &str = "/media/";

/// The kinds of file brought in from an uploads folder: pictures, sound,
/// video and documents. Anything a browser would run (HTML, SVG, scripts)
/// stays out: the media folder is served from the site's own origin.
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "mp3", "m4a", "ogg", "oga", "wav", "mp4", "m4v",
    "webm", "ogv", "pdf",
];

/// Largest file brought in.
pub const MAX_MEDIA_FILE: u64 = 512 << 20;

impl Default for WxrOptions {
    fn default() -> Self {
        WxrOptions {
            strict: false,
            batch: 500,
            uploads: None,
        }
    }
}

/// Copies the media files of an uploads folder into the media folder,
/// keeping their paths; files already there with the same size are left.
/// Returns how many files are in place.
pub fn bring_in_uploads(up: &Uploads) -> std::io::Result<u64> {
    let mut n = 0;
    let mut stack = vec![up.from.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            // Links could lead out of the folder: not followed.
            if kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(&up.from) else {
                continue;
            };
            let Some(rel) = rel.to_str().map(|r| r.replace('\\', "/")) else {
                continue;
            };
            let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            let size = entry.metadata()?.len();
            if !gazette_domain::is_media_path(&rel)
                || !MEDIA_EXTENSIONS.contains(&ext.as_str())
                || size > MAX_MEDIA_FILE
            {
                continue;
            }
            let to = up.media_dir.join(&rel);
            if std::fs::metadata(&to).is_ok_and(|m| m.len() == size) {
                n += 1;
                continue;
            }
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Copied beside, then renamed: a killed import leaves no half file.
            let part = to.with_extension(format!("{ext}.part"));
            std::fs::copy(&path, &part)?;
            std::fs::rename(&part, &to)?;
            n += 1;
        }
    }
    Ok(n)
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrSummary {
    pub site: String,
    pub wxr_version: String,
    pub articles: u64,
    pub published: u64,
    pub scheduled: u64,
    pub drafts: u64,
    pub pages: u64,
    pub posting_accounts: u64,
    pub contributors: u64,
    pub sections: u64,
    pub tags: u64,
    pub comments: u64,
    pub attachments: u64,
    /// Attachments whose files stay at their old address.
    pub attachments_not_brought_in: u64,
    pub redirects: u64,
    /// Items and comments left out, each with its place and reason.
    pub skipped: Vec<String>,
    /// Why the file could not be read to its end, if it could not.
    pub stopped: Option<WxrError>,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum WxrImportError {
    #[error("{0}")]
    Read(#[from] std::io::Error),
    /// A problem in the file (with `--strict`, any problem).
    #[error("{0}")]
    File(WxrError),
    #[error("the store refused a batch: {0}")]
    Store(#[from] StoreError),
}

/// Progress, as bytes of the file's second pass and items stored.
pub trait WxrProgress: Send {
    fn learned(&mut self, _items: u64) {}
    fn stored(&mut self, _bytes: u64, _items: u64) {}
}

impl WxrProgress for () {}

enum Msg {
    Learned(Box<Mapper>, u64, Option<WxrError>),
    Batch(Vec<Result<ImportItem, WxrError>>, Vec<MenuLink>, u64),
    End(Option<WxrError>),
}

/// Imports the WXR file that `open` opens (it is called twice, once per
/// pass).
pub async fn import_wxr<R, F>(
    core: &Core,
    open: F,
    options: &WxrOptions,
    progress: &mut dyn WxrProgress,
) -> Result<WxrSummary, WxrImportError>
where
    R: Read + Send + 'static,
    F: Fn() -> std::io::Result<R> + Send + 'static,
{
    // The first open happens here, so that a missing file is an error at
    // once.
    let first = open()?;
    let media_base = match &options.uploads {
        Some(up) => {
            let up = up.clone();
            tokio::task::spawn_blocking(move || bring_in_uploads(&up))
                .await
                .map_err(std::io::Error::other)??;
            Some(MEDIA_BASE.to_owned())
        }
        None => None,
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(2);
    let tz = core.newsroom.time_zone.clone();
    let batch = options.batch.max(1);
    let reader = std::thread::Builder::new()
        .name("wxr-reader".into())
        .spawn(move || read_file(first, open, tz, media_base, batch, tx))?;

    let mut summary = WxrSummary::default();
    let store = &core.store;
    let mut result = Ok(());
    let mut mapper: Option<Box<Mapper>> = None;
    let mut accounts = std::collections::HashSet::new();
    let mut contributors = std::collections::HashSet::new();
    let mut tags = std::collections::HashSet::new();
    let mut imported: HashMap<i64, gazette_domain::ArticleId> = HashMap::new();
    let mut menu_links: Vec<MenuLink> = Vec::new();
    let mut section_slugs: HashMap<String, gazette_domain::Slug> = HashMap::new();
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Learned(m, items, err) => {
                progress.learned(items);
                summary.site = m.site.link.clone();
                summary.wxr_version = m.site.wxr_version.clone();
                summary.attachments = m.attachments.len() as u64;
                summary.attachments_not_brought_in = m
                    .attachments
                    .values()
                    .filter(
                        |a| match (&options.uploads, a.url.strip_prefix(MEDIA_BASE)) {
                            (Some(up), Some(rel)) => !up.media_dir.join(rel).is_file(),
                            _ => true,
                        },
                    )
                    .count() as u64;
                if let Some(e) = err {
                    if options.strict {
                        result = Err(WxrImportError::File(e));
                        break;
                    }
                    summary.stopped = Some(e);
                }
                match store_sections(store, &m).await {
                    Ok((slugs, redirects)) => {
                        summary.sections = slugs.len() as u64;
                        section_slugs = slugs;
                        summary.redirects += redirects;
                    }
                    Err(e) => {
                        result = Err(e.into());
                        break;
                    }
                }
                mapper = Some(m);
            }
            Msg::Batch(items, links, bytes) => {
                menu_links.extend(links);
                let Some(m) = mapper.as_deref() else { break };
                let mut good = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Ok(i) => good.push(i),
                        Err(e) if options.strict => {
                            result = Err(WxrImportError::File(e));
                            break;
                        }
                        Err(e) => summary.skipped.push(e.to_string()),
                    }
                }
                if result.is_err() {
                    break;
                }
                for i in &good {
                    accounts.extend(i.article.posting_account.clone());
                    contributors.extend(i.article.contributors.iter().cloned());
                    tags.extend(i.article.tags.iter().cloned());
                }
                match store_batch(core, m, &good, &mut summary).await {
                    Ok(ids) => {
                        imported.extend(good.iter().map(|i| i.wp_id).zip(ids));
                        progress.stored(bytes, good.len() as u64)
                    }
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            Msg::End(err) => {
                if let Some(e) = err {
                    if options.strict {
                        result = Err(WxrImportError::File(e));
                    } else if summary.stopped.is_none() {
                        summary.stopped = Some(e);
                    }
                }
            }
        }
    }
    drop(rx);
    // The reader thread ends once the channel is closed.
    let _ = reader.join();
    result?;
    if let Some(m) = mapper.as_deref() {
        // Attachment pages of no imported story lead to the file itself.
        let mut redirects = Vec::new();
        for att in m.attachments.values() {
            if imported.contains_key(&att.parent) || att.url.is_empty() {
                continue;
            }
            let place = match att.url.strip_prefix(MEDIA_BASE) {
                Some(rel) => format!("media:{rel}"),
                None => format!("url:{}", att.url),
            };
            let Ok(place) = place.parse::<Place>() else {
                continue;
            };
            redirects.extend(attachment_pages(m, att, RedirectTarget::Place(place)));
        }
        // Tag pages lead to the tag's page when a story carries the tag,
        // author pages to the writer's page when they also write under a
        // byline, else to the front page.
        for t in m.tags.values() {
            let name = gazette_ingest::wxr::decode_entities(&t.name);
            let Ok(slug) = gazette_domain::Slug::from_text(&name) else {
                continue;
            };
            let place = match store.tag_by_slug(slug.as_str()).await {
                Ok(tag) => Place::Tag(tag.slug),
                Err(StoreError::NotFound) => Place::Home,
                Err(e) => return Err(e.into()),
            };
            let mut froms = vec![old_url_key(&format!("/tag/{}/", t.slug), &[])];
            froms.push(old_url_key("/", &[("tag".into(), t.slug.clone())]));
            for from in froms {
                redirects.push(Redirect {
                    from,
                    to: RedirectTarget::Place(place.clone()),
                });
            }
        }
        for a in m.authors.values() {
            let name = gazette_ingest::wxr::map::author_name(a);
            let place = match gazette_domain::Slug::from_text(&name) {
                Ok(slug) => match store.contributor_by_slug(slug.as_str()).await {
                    Ok(c) => Place::Contributor(c.slug),
                    Err(StoreError::NotFound) => Place::Home,
                    Err(e) => return Err(e.into()),
                },
                Err(_) => Place::Home,
            };
            // WordPress's author address uses the login made URL-safe.
            let nicename: String = a
                .login
                .to_lowercase()
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let mut froms = vec![old_url_key(&format!("/author/{nicename}/"), &[])];
            if let Some(id) = a.id {
                froms.push(old_url_key("/", &[("author".into(), id.to_string())]));
            }
            for from in froms {
                redirects.push(Redirect {
                    from,
                    to: RedirectTarget::Place(place.clone()),
                });
            }
        }
        // Menu items lead where their entry led.
        for link in &menu_links {
            let to = match &link.target {
                MenuTarget::Post(id) => imported.get(id).map(|a| RedirectTarget::Article(*a)),
                MenuTarget::Category(slug) => section_slugs
                    .get(slug)
                    .map(|s| RedirectTarget::Place(Place::Section(s.clone()))),
                MenuTarget::Url(u) => format!("url:{u}").parse().ok().map(RedirectTarget::Place),
                MenuTarget::Home => None,
            }
            .unwrap_or(RedirectTarget::Place(Place::Home));
            for u in &link.old_urls {
                redirects.push(Redirect {
                    from: u.0.clone(),
                    to: to.clone(),
                });
            }
        }
        summary.redirects += redirects.len() as u64;
        store.save_redirects(&redirects).await?;
    }
    summary.posting_accounts = accounts.len() as u64;
    summary.contributors = contributors.len() as u64;
    summary.tags = tags.len() as u64;
    if let Some(e) = &summary.stopped {
        summary
            .skipped
            .push(format!("{e} (the rest of the file was not read)"));
    }
    // Readers see the new stories at once.
    core.apply_change(gazette_store::Change::Everything).await;
    Ok(summary)
}

/// The reader thread: the first pass, then the second in batches.
fn read_file<R: Read, F: Fn() -> std::io::Result<R>>(
    first: R,
    open: F,
    tz: jiff::tz::TimeZone,
    media_base: Option<String>,
    batch: usize,
    tx: mpsc::Sender<Msg>,
) {
    let mut r = WxrReader::new(first);
    let mut mapper: Option<Mapper> = None;
    let mut items = 0;
    let mut fatal = None;
    loop {
        match r.next_entry() {
            Ok(Some(Entry::Site(s))) => {
                let mut m = Mapper::new(s, tz.clone());
                m.media_base = media_base.clone();
                mapper = Some(m);
            }
            Ok(Some(e)) => {
                if let Some(m) = mapper.as_mut() {
                    m.learn(&e);
                }
                if matches!(e, Entry::Item(_)) {
                    items += 1;
                }
            }
            Ok(None) => break,
            Err(e) => {
                fatal = Some(e);
                break;
            }
        }
    }
    let Some(mapper) = mapper else {
        let e = fatal.unwrap_or(WxrError {
            line: 1,
            column: 1,
            message: "this is not a WordPress export".into(),
            fatal: true,
        });
        let _ = tx.blocking_send(Msg::End(Some(e)));
        return;
    };
    let stop_at = fatal.as_ref().map(|e| e.line);
    if tx
        .blocking_send(Msg::Learned(Box::new(mapper.clone()), items, fatal.clone()))
        .is_err()
    {
        return;
    }
    let second = match open() {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.blocking_send(Msg::End(Some(WxrError {
                line: 1,
                column: 1,
                message: format!("the file cannot be read again: {e}"),
                fatal: true,
            })));
            return;
        }
    };
    let mut r = WxrReader::new(second);
    let mut out = Vec::with_capacity(batch);
    let mut menus = Vec::new();
    let mut bytes = 0usize;
    let end = loop {
        match r.next_entry() {
            Ok(Some(Entry::Item(i))) => {
                // Items past a fatal error of the first pass are not read:
                // the file is broken there.
                if stop_at.is_some_and(|l| i.line >= l) {
                    break None;
                }
                if let Some(link) = mapper.menu_item(&i) {
                    menus.push(link);
                    continue;
                }
                match mapper.item(&i) {
                    Ok(Some(m)) => {
                        bytes += m.article.body_html.len()
                            + m.comments.iter().map(|c| c.text.len()).sum::<usize>();
                        out.push(Ok(m));
                    }
                    Ok(None) => {}
                    Err(e) => out.push(Err(e)),
                }
                // A batch ends at its count or its size, whichever comes
                // first: long stories must not make a batch huge.
                if out.len() >= batch || bytes >= BATCH_BYTES {
                    bytes = 0;
                    let full = std::mem::replace(&mut out, Vec::with_capacity(batch));
                    let links = std::mem::take(&mut menus);
                    if tx
                        .blocking_send(Msg::Batch(full, links, r.position()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break None,
            // The first pass reported it already.
            Err(_) if stop_at.is_some() => break None,
            Err(e) => break Some(e),
        }
    };
    if (!out.is_empty() || !menus.is_empty())
        && tx
            .blocking_send(Msg::Batch(out, menus, r.position()))
            .is_err()
    {
        return;
    }
    let _ = tx.blocking_send(Msg::End(end));
}

/// An attachment's page and `?attachment_id=`, leading to `to`.
fn attachment_pages(
    m: &Mapper,
    att: &gazette_ingest::wxr::Attachment,
    to: RedirectTarget,
) -> Vec<Redirect> {
    let by_id = old_url_key("/", &[("attachment_id".into(), att.id.to_string())]);
    m.old_url(&att.link)
        .map(|u| u.0)
        .into_iter()
        .chain([by_id])
        .map(|from| Redirect {
            from,
            to: to.clone(),
        })
        .collect()
}

/// Categories as sections, parents first, and their old addresses.
async fn store_sections(
    store: &Arc<dyn Store>,
    m: &Mapper,
) -> Result<(HashMap<String, gazette_domain::Slug>, u64), StoreError> {
    let by_slug: BTreeMap<&str, &Term> =
        m.categories.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut done: HashMap<String, gazette_domain::Slug> = HashMap::new();
    let mut redirects = Vec::new();
    let mut invalid = Vec::new();
    // Parents before children; a parent missing from the export makes its
    // children top-level sections.
    let mut pending: Vec<&Term> = by_slug.values().copied().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for t in pending {
            let parent = (!t.parent.is_empty() && by_slug.contains_key(t.parent.as_str()))
                .then_some(t.parent.as_str());
            if let Some(p) = parent
                && !done.contains_key(p)
                && !invalid.iter().any(|i| i == p)
            {
                rest.push(t);
                continue;
            }
            let name = m.category_name(&t.slug).unwrap_or_default();
            let parent_name = parent.and_then(|p| m.category_name(p));
            let section = match store.ensure_section(&name, parent_name.as_deref()).await {
                Ok(s) => s,
                // A name with no letter or digit cannot be a section.
                Err(StoreError::Invalid(_)) => {
                    invalid.push(t.slug.clone());
                    continue;
                }
                Err(e) => return Err(e),
            };
            let place = Place::Section(section.slug.clone());
            for path in [
                format!("/category/{}/", m.category_path(&t.slug)),
                format!("/category/{}/", t.slug),
            ] {
                redirects.push(Redirect {
                    from: old_url_key(&path, &[]),
                    to: RedirectTarget::Place(place.clone()),
                });
            }
            if let Some(id) = t.id {
                redirects.push(Redirect {
                    from: old_url_key("/", &[("cat".into(), id.to_string())]),
                    to: RedirectTarget::Place(place.clone()),
                });
            }
            done.insert(t.slug.clone(), section.slug);
        }
        if rest.len() == before {
            // A cycle of parents: store the rest as top-level sections.
            for t in &rest {
                let name = m.category_name(&t.slug).unwrap_or_default();
                if let Ok(s) = store.ensure_section(&name, None).await {
                    done.insert(t.slug.clone(), s.slug);
                }
            }
            break;
        }
        pending = rest;
    }
    redirects.dedup_by(|a, b| a.from == b.from);
    store.save_redirects(&redirects).await?;
    Ok((done, redirects.len() as u64))
}

/// One batch: articles in one transaction, then their comments, then their
/// old addresses.
async fn store_batch(
    core: &Core,
    m: &Mapper,
    items: &[ImportItem],
    summary: &mut WxrSummary,
) -> Result<Vec<gazette_domain::ArticleId>, WxrImportError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let store = &core.store;
    let inputs: Vec<_> = items.iter().map(|i| sanitized(&i.article)).collect();
    let t0 = std::time::Instant::now();
    let saved = store.save_articles(&inputs, core.now()).await?;
    tracing::debug!(
        items = items.len(),
        ms = t0.elapsed().as_millis() as u64,
        "wxr batch: articles stored"
    );
    let t0 = std::time::Instant::now();
    let now = core.now();
    let mut comments = Vec::new();
    let mut comment_items = Vec::new();
    let mut redirects = Vec::new();
    for (item, s) in items.iter().zip(&saved) {
        summary.articles += 1;
        match item.kind {
            ItemKind::Page => summary.pages += 1,
            ItemKind::Post => {}
        }
        match (item.wp_status.as_str(), item.article.published_at.as_ref()) {
            ("publish", _) => summary.published += 1,
            ("future", Some(at)) if at.timestamp() > now => summary.scheduled += 1,
            ("future", _) => summary.published += 1,
            _ => summary.drafts += 1,
        }
        for u in &item.old_urls {
            redirects.push(Redirect {
                from: u.0.clone(),
                to: RedirectTarget::Article(s.id),
            });
        }
        // Parents before replies; a reply whose parent is not in the
        // export is kept as a comment of its own.
        let known: std::collections::HashSet<i64> = item.comments.iter().map(|c| c.wp_id).collect();
        for c in &item.comments {
            comment_items.push((s.id, c.wp_id, c.parent_wp_id.filter(|p| known.contains(p))));
            comments.push(ImportedComment {
                comment: NewComment {
                    article: s.id,
                    parent: None,
                    author_name: c.author_name.clone(),
                    author_email: c.author_email.clone(),
                    body_html: comments::clean(&c.text),
                    fingerprint: comments::fingerprint(&c.text),
                },
                status: c.status,
                created_at: c.created_at,
                import_key: Some(m.comment_key(c.wp_id)),
            });
        }
        summary.skipped.extend(
            item.skipped_comments
                .iter()
                .map(|s| format!("line {}: {s}", item.line)),
        );
    }
    // Threads: store comments in rounds, each round those whose parent is
    // stored already.
    let mut ids: HashMap<i64, CommentId> = HashMap::new();
    let mut left: Vec<usize> = (0..comments.len()).collect();
    while !left.is_empty() {
        let (ready, wait): (Vec<usize>, Vec<usize>) = left
            .iter()
            .partition(|&&i| comment_items[i].2.is_none_or(|p| ids.contains_key(&p)));
        if ready.is_empty() {
            // Replies in a loop: keep them as comments of their own.
            for &i in &wait {
                comment_items[i].2 = None;
            }
            left = wait;
            continue;
        }
        let round: Vec<ImportedComment> = ready
            .iter()
            .map(|&i| {
                let mut c = comments[i].clone();
                c.comment.parent = comment_items[i].2.and_then(|p| ids.get(&p).copied());
                c
            })
            .collect();
        let stored = store.import_comments(&round).await?;
        for (&i, id) in ready.iter().zip(stored) {
            ids.insert(comment_items[i].1, id);
        }
        summary.comments += ready.len() as u64;
        left = wait;
    }
    tracing::debug!(
        ms = t0.elapsed().as_millis() as u64,
        "wxr batch: comments stored"
    );
    let t0 = std::time::Instant::now();
    // Attachment pages of these stories lead to the story.
    for (item, s) in items.iter().zip(&saved) {
        let ids = m
            .attachments_of
            .get(&item.wp_id)
            .map_or(&[][..], |v| v.as_slice());
        for att in ids.iter().filter_map(|id| m.attachments.get(id)) {
            redirects.extend(attachment_pages(m, att, RedirectTarget::Article(s.id)));
        }
    }
    redirects.sort_by(|a, b| a.from.cmp(&b.from));
    redirects.dedup_by(|a, b| a.from == b.from);
    summary.redirects += redirects.len() as u64;
    store.save_redirects(&redirects).await?;
    tracing::debug!(
        ms = t0.elapsed().as_millis() as u64,
        "wxr batch: redirects stored"
    );
    Ok(saved.iter().map(|s| s.id).collect())
}
