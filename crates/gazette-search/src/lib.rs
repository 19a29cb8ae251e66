//! Full-text search over the newsroom's live stories, with tantivy.
//!
//! The store stays the source of truth: this index is a copy that a node
//! keeps in its data directory and can throw away and build again at any
//! time. It knows how far it has followed the store by a [`Mark`] (the
//! `(updated_at, id)` of the last article it took in), saved with every
//! commit; `gazette-core` feeds it the articles changed since.
//!
//! What is searchable is decided here, from the article itself: published
//! stories. A scheduled story is indexed with its publish time and found
//! only once that time has passed (every query filters on `now`), so a
//! story going live needs no re-indexing. Standing pages and drafts are
//! never in the index.
//!
//! Text is cut into words at every character that is not a letter or a
//! digit, in any script, and lower-cased (tantivy's default analyzer), so
//! Armenian and English are found alike. There is no stemming: a newsroom
//! writing in two scripts gets the same, predictable matching in both.
//!
//! Phrases in quotes are matched through a field of shingles: every run
//! of two and of three neighbouring words of the headline, standfirst and
//! body as one term ("city council", "a member of"). A phrase of up to
//! three words is then one term, and a longer one a few runs of three at
//! their places, instead of every position of "a" and "the" in every
//! story: on 100,000 generated stories a phrase of common words took
//! 10–16 ms a query with plain phrase matching.

use std::{
    ops::Bound,
    path::{Path, PathBuf},
    sync::Mutex,
};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::{
    DateTime, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
    collector::{Count, TopDocs},
    query::{
        AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TantivyQuery, QueryParser,
        RangeQuery, TermQuery,
    },
    schema::{
        FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
        TextOptions, Value,
    },
    snippet::SnippetGenerator,
    tokenizer::{PreTokenizedString, TextAnalyzer, Token},
};

use gazette_domain::{Article, ArticleId, ArticleKind, ArticleStatus};

/// Bumped whenever the schema or the analysis changes: an index of
/// another version is thrown away and built again from the store.
pub const SCHEMA_VERSION: u32 = 2;

/// The longest query text taken; longer text is cut (and the page says so).
pub const MAX_QUERY_CHARS: usize = 200;

/// Results per page at most.
pub const MAX_LIMIT: usize = 100;

/// Deepest result reachable by paging: relevance beyond it means little,
/// and collecting it costs memory.
pub const MAX_OFFSET: usize = 10_000;

const VERSION_FILE: &str = "gazette-search-version";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index at {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search index at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the search index in {path} is in use by another process")]
    Busy { path: PathBuf },
    #[error("search: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

pub type SearchResult<T> = Result<T, SearchError>;

/// How far the index has followed the store: the last article taken in,
/// in the store's `(updated_at, id)` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Mark {
    pub updated_at: Timestamp,
    pub id: ArticleId,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    slug: Field,
    headline: Field,
    standfirst: Field,
    body: Field,
    /// Runs of two and three neighbouring words of the headline,
    /// standfirst and body, each at its first word's position: phrases
    /// are matched here.
    shingles: Field,
    section: Field,
    section_name: Field,
    contributor: Field,
    byline: Field,
    source: Field,
    published: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("default")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        slug: b.add_text_field("slug", STORED),
        headline: b.add_text_field("headline", text.clone()),
        standfirst: b.add_text_field("standfirst", text.clone()),
        body: b.add_text_field("body", text),
        shingles: b.add_text_field(
            "shingles",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("default")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
        section: b.add_text_field("section", STRING),
        section_name: b.add_text_field("section_name", STORED),
        contributor: b.add_text_field("contributor", STRING),
        byline: b.add_text_field("byline", STORED),
        source: b.add_text_field("source", STRING),
        published: b.add_date_field("published", INDEXED | STORED | FAST),
    };
    (b.build(), fields)
}

/// The order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// A reader's search: words (with `"phrases"`), filters by slug and time,
/// and a page.
#[derive(Debug, Clone)]
pub struct Query {
    pub text: String,
    pub sort: Sort,
    pub section: Option<String>,
    pub contributor: Option<String>,
    pub source: Option<String>,
    /// Published at or after.
    pub from: Option<Timestamp>,
    /// Published before.
    pub until: Option<Timestamp>,
    /// Stories published after this are not out yet.
    pub now: Timestamp,
    pub offset: usize,
    pub limit: usize,
}

/// One story found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: ArticleId,
    pub slug: String,
    /// The headline as HTML, matched words in `<mark>`, the rest escaped.
    pub headline_html: String,
    /// A passage of the text around the matched words, as escaped HTML
    /// with `<mark>`; the standfirst when the body has no match.
    pub snippet_html: String,
    pub published: Timestamp,
    pub section_name: Option<String>,
    pub byline: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Hits {
    /// Stories matching, in all.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// A search index in a folder of its own.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    path: PathBuf,
}

/// What [`SearchIndex::open`] found.
pub struct Opened {
    pub index: SearchIndex,
    /// Why it starts empty, when it does: it was missing, of an older
    /// schema, or unreadable. The caller builds it from the store.
    pub rebuilt: Option<&'static str>,
}

/// Writer memory: enough for batches of a few hundred long stories.
const WRITER_BYTES: usize = 48 * 1024 * 1024;

impl SearchIndex {
    /// Opens the index in `dir`, or makes a new, empty one there when it is
    /// missing, of another schema version, or unreadable.
    pub fn open(dir: &Path) -> SearchResult<Opened> {
        let io = |source| SearchError::Io {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let version_file = dir.join(VERSION_FILE);
        let version = std::fs::read_to_string(&version_file).ok();
        let current = version.as_deref().map(str::trim) == Some(&SCHEMA_VERSION.to_string());
        let (schema, fields) = schema();
        let mut rebuilt = None;
        let existing = if current {
            match Index::open_in_dir(dir) {
                Ok(index) if index.schema() == schema => Some(index),
                Ok(_) => {
                    rebuilt = Some("its fields differ from this version's");
                    None
                }
                Err(e) => {
                    tracing::warn!(error = %e, dir = %dir.display(), "the search index is unreadable; building it again");
                    rebuilt = Some("it was unreadable");
                    None
                }
            }
        } else {
            rebuilt = Some(if version.is_some() {
                "it was made by another version"
            } else {
                "there was none"
            });
            None
        };
        let index = match existing {
            Some(index) => index,
            None => {
                // Only what this crate wrote is removed: the folder is ours.
                for entry in std::fs::read_dir(dir).map_err(io)? {
                    let path = entry.map_err(io)?.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path).map_err(io)?;
                    } else {
                        std::fs::remove_file(&path).map_err(io)?;
                    }
                }
                let index =
                    Index::create_in_dir(dir, schema).map_err(|source| SearchError::Index {
                        path: dir.to_owned(),
                        source,
                    })?;
                std::fs::write(&version_file, SCHEMA_VERSION.to_string()).map_err(io)?;
                index
            }
        };
        let writer =
            index
                .writer_with_num_threads(1, WRITER_BYTES)
                .map_err(|source| match source {
                    tantivy::TantivyError::LockFailure(
                        tantivy::directory::error::LockError::LockBusy,
                        _,
                    ) => SearchError::Busy {
                        path: dir.to_owned(),
                    },
                    source => SearchError::Index {
                        path: dir.to_owned(),
                        source,
                    },
                })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Opened {
            index: SearchIndex {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                path: dir.to_owned(),
            },
            rebuilt,
        })
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How far the index has followed the store (`None`: not at all).
    pub fn mark(&self) -> SearchResult<Option<Mark>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Option<Mark>>(p).ok())
            .flatten())
    }

    /// Stories in the index, live or scheduled.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether readers may find `article`.
    pub fn is_searchable(article: &Article) -> bool {
        article.status == ArticleStatus::Published
            && article.kind == ArticleKind::Story
            && article.published_at.is_some()
    }

    /// Takes `articles` in (indexed when searchable, removed when not),
    /// removes `gone`, and saves `mark` with the commit: all or nothing.
    pub fn update(
        &self,
        articles: &[Article],
        gone: &[ArticleId],
        mark: Option<Mark>,
    ) -> SearchResult<()> {
        let f = self.fields;
        let mut analyzer = self.analyzer();
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for id in gone {
            writer.delete_term(id_term(f.id, *id));
        }
        for a in articles {
            writer.delete_term(id_term(f.id, a.id));
            if let Some(doc) = document(f, a, &mut analyzer) {
                writer.add_document(doc)?;
            }
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&serde_json::to_string(&mark).expect("a mark serializes"));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Empties the index (before building it again from the store).
    pub fn clear(&self) -> SearchResult<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload("null");
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The default analyzer: how every text field is cut into words.
    fn analyzer(&self) -> TextAnalyzer {
        self.index
            .tokenizers()
            .get("default")
            .unwrap_or_else(|| TextAnalyzer::from(tantivy::tokenizer::SimpleTokenizer::default()))
    }

    /// The words of `phrase` as the index holds them, with their positions.
    fn words_of(&self, phrase: &str) -> Vec<(usize, String)> {
        let mut analyzer = self.analyzer();
        let mut stream = analyzer.token_stream(phrase);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.position, t.text.clone()));
        }
        out
    }

    /// The query of what a reader typed: the parser's, with each phrase in
    /// quotes matched through the shingles. When phrases were
    /// rewritten, also the parser's own query, whose terms the snippets
    /// mark.
    fn words_query(
        &self,
        parser: &QueryParser,
        text: &str,
    ) -> (Box<dyn TantivyQuery>, Option<Box<dyn TantivyQuery>>) {
        let (phrases, mut rest) = split_phrases(text);
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for phrase in phrases {
            let words = self.words_of(phrase);
            if words.len() < 2 {
                rest.push(' ');
                rest.push_str(phrase);
            } else {
                clauses.push((Occur::Must, self.phrase_query(&words)));
            }
        }
        let (as_typed, _errors) = parser.parse_query_lenient(text);
        if clauses.is_empty() {
            return (as_typed, None);
        }
        if rest.chars().any(char::is_alphanumeric) {
            let (parsed, _errors) = parser.parse_query_lenient(&rest);
            // Required and excluded words join the phrases' clauses (a
            // query of exclusions alone would match nothing); anything
            // else is one more requirement.
            match parsed.downcast_ref::<BooleanQuery>() {
                Some(b) if b.clauses().iter().all(|(o, _)| *o != Occur::Should) => {
                    clauses.extend(b.clauses().iter().map(|(o, q)| (*o, q.box_clone())))
                }
                _ => clauses.push((Occur::Must, parsed)),
            }
        }
        (Box::new(BooleanQuery::new(clauses)), Some(as_typed))
    }

    /// A phrase of two or more words. Matched through the shingles: a
    /// phrase of two or three words is one of them, a longer one runs of
    /// three at their places (every third word, and the last three: each
    /// word covered at its place). The same phrase in the headline or
    /// standfirst (their shingles kept under a mark) only adds to the
    /// score: those short lists are asked only about stories that match.
    fn phrase_query(&self, words: &[(usize, String)]) -> Box<dyn TantivyQuery> {
        let f = self.fields;
        let first = words[0].0;
        let plain = |field: Field| -> Box<dyn TantivyQuery> {
            Box::new(PhraseQuery::new_with_offset(
                words
                    .iter()
                    .map(|(p, w)| (p - first, Term::from_field_text(field, w)))
                    .collect(),
            ))
        };
        let run = |mark: &str, at: usize, len: usize| {
            let text: Vec<&str> = words[at..at + len]
                .iter()
                .map(|(_, w)| w.as_str())
                .collect();
            Term::from_field_text(f.shingles, &format!("{mark}{}", text.join(" ")))
        };
        let matched = |mark: &str| -> Box<dyn TantivyQuery> {
            if words.len() <= 3 {
                Box::new(TermQuery::new(
                    run(mark, 0, words.len()),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                let last = words.len() - 3;
                let mut starts: Vec<usize> = (0..=last).step_by(3).collect();
                if starts.last() != Some(&last) {
                    starts.push(last);
                }
                Box::new(PhraseQuery::new_with_offset(
                    starts
                        .into_iter()
                        .map(|at| (at, run(mark, at, 3)))
                        .collect(),
                ))
            }
        };
        let (anywhere, in_headline, in_standfirst) =
            if words.windows(2).all(|w| w[0].0 + 1 == w[1].0) {
                (matched(""), matched(MARKS[0]), matched(MARKS[1]))
            } else {
                // A word too long to index sat in the phrase: no shingle
                // spans it, so each text is matched word by word.
                let any: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(
                    [f.headline, f.standfirst, f.body]
                        .into_iter()
                        .map(|field| (Occur::Should, plain(field)))
                        .collect(),
                ));
                (any, plain(f.headline), plain(f.standfirst))
            };
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, anywhere),
            (Occur::Should, Box::new(BoostQuery::new(in_headline, 3.0))),
            (Occur::Should, Box::new(BoostQuery::new(in_standfirst, 1.5))),
        ]))
    }

    /// Runs a reader's search. Never fails on what the reader typed: text
    /// that is not a valid query is read as plain words.
    pub fn search(&self, q: &Query) -> SearchResult<Hits> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.headline, f.standfirst, f.body]);
        parser.set_field_boost(f.headline, 3.0);
        parser.set_field_boost(f.standfirst, 1.5);
        // Every word must match, as readers expect of a news site's search.
        parser.set_conjunction_by_default();
        let (words, highlight): (Box<dyn TantivyQuery>, _) = if text.trim().is_empty() {
            (Box::new(AllQuery), None)
        } else {
            self.words_query(&parser, &text)
        };
        // The snippets mark the words as the reader typed them.
        let marked: &dyn TantivyQuery = highlight.as_deref().unwrap_or(&*words);
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            vec![(Occur::Must, words.box_clone())];
        for (field, slug) in [
            (f.section, &q.section),
            (f.contributor, &q.contributor),
            (f.source, &q.source),
        ] {
            if let Some(slug) = slug {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, slug),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        // Out already, and inside the reader's dates. Scheduled stories are
        // rare: when no segment holds one (its newest story is out), the
        // bound on `now` is left off, sparing every query a range scan.
        let holds_future = searcher.segment_readers().iter().any(|seg| {
            seg.fast_fields()
                .date("published")
                .map(|col| col.max_value().into_timestamp_secs() > q.now.as_second())
                .unwrap_or(true)
        });
        let upper = match q.until {
            Some(u) if u <= q.now => Bound::Excluded(date_term(f.published, u)),
            _ if holds_future => Bound::Included(date_term(f.published, q.now)),
            _ => Bound::Unbounded,
        };
        let lower = q.from.map_or(Bound::Unbounded, |from| {
            Bound::Included(date_term(f.published, from))
        });
        if !matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        // Words alone stay the parser's own query, whose scorers can skip
        // blocks that cannot make the page; filters wrap them.
        let query: Box<dyn TantivyQuery> = if clauses.len() == 1 {
            words.box_clone()
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let limit = q.limit.clamp(1, MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        // The page and the total in one pass over the matches.
        let (total, addresses): (usize, Vec<tantivy::DocAddress>) = match q.sort {
            Sort::Relevance if !text.trim().is_empty() => {
                let (docs, total) = searcher.search(&query, &(top.order_by_score(), Count))?;
                (total, docs.into_iter().map(|(_, a)| a).collect())
            }
            _ => {
                let (docs, total) = searcher.search(
                    &query,
                    &(
                        top.order_by_fast_field::<DateTime>("published", Order::Desc),
                        Count,
                    ),
                )?;
                (total, docs.into_iter().map(|(_, a)| a).collect())
            }
        };
        let mut body_snippets = SnippetGenerator::create(&searcher, marked, f.body)?;
        body_snippets.set_max_num_chars(220);
        let mut headline_marks = SnippetGenerator::create(&searcher, marked, f.headline)?;
        headline_marks.set_max_num_chars(1000);
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let headline = text_of(f.headline).unwrap_or_default();
            let mut headline_snippet = headline_marks.snippet(&headline);
            headline_snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            // The whole headline, the matched words marked: the text
            // around the snippet's fragment is escaped as it is.
            let headline_html = if headline_snippet.highlighted().is_empty() {
                escape(&headline)
            } else {
                let range = headline_snippet.fragment_range();
                format!(
                    "{}{}{}",
                    escape(headline.get(..range.start).unwrap_or("")),
                    headline_snippet.to_html(),
                    escape(headline.get(range.end..).unwrap_or(""))
                )
            };
            let mut snippet = body_snippets.snippet_from_doc(&doc);
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            let snippet_html = if snippet.highlighted().is_empty() {
                escape(&text_of(f.standfirst).unwrap_or_else(|| snippet.fragment().to_owned()))
            } else {
                snippet.to_html()
            };
            let id = doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0);
            let published = doc
                .get_first(f.published)
                .and_then(|v| v.as_datetime())
                .map(|d| {
                    Timestamp::from_second(d.into_timestamp_secs()).unwrap_or(Timestamp::UNIX_EPOCH)
                })
                .unwrap_or(Timestamp::UNIX_EPOCH);
            hits.push(Hit {
                id: ArticleId(i64::try_from(id).unwrap_or(0)),
                slug: text_of(f.slug).unwrap_or_default(),
                headline_html,
                snippet_html,
                published,
                section_name: text_of(f.section_name),
                byline: text_of(f.byline),
            });
        }
        Ok(Hits { total, hits })
    }
}

/// Positions between two texts' shingles: no phrase spans them.
const TEXT_GAP: usize = 1_000;

/// Shingles of the headline and standfirst are also kept under these
/// marks (no word holds `^`), so that a phrase there can raise a story's
/// score by a look at a short list.
const MARKS: [&str; 2] = ["^h ", "^s "];

/// Every run of two and of three neighbouring words of `texts`, cut as
/// the index cuts them, as one token at its first word's position ("city
/// council", "city council said"). A run never spans two texts, nor a
/// word too long to be indexed.
fn shingles(analyzer: &mut TextAnalyzer, texts: &[&str]) -> PreTokenizedString {
    let mut tokens = Vec::new();
    let mut base = 0;
    for (n, text) in texts.iter().enumerate() {
        let mark = MARKS.get(n);
        let mut words: Vec<(usize, String)> = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            words.push((base + t.position, t.text.clone()));
        }
        for (i, (at, word)) in words.iter().enumerate() {
            let next = |k: usize| words.get(i + k).filter(|(p, _)| *p == at + k);
            let token = |text: String| Token {
                offset_from: 0,
                offset_to: 0,
                position: *at,
                text,
                position_length: 1,
            };
            let mut keep = |run: String| {
                if let Some(mark) = mark {
                    tokens.push(token(format!("{mark}{run}")));
                }
                tokens.push(token(run));
            };
            if let Some((_, second)) = next(1) {
                keep(format!("{word} {second}"));
                if let Some((_, third)) = next(2) {
                    keep(format!("{word} {second} {third}"));
                }
            }
        }
        base = words.last().map_or(base, |(p, _)| p + TEXT_GAP);
    }
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// The phrases a reader put in quotes, and the text around them. A
/// phrase right after `-`, `+` or `:` (an exclusion, a field) stays in
/// the text for the query parser; so does an unclosed quote.
fn split_phrases(text: &str) -> (Vec<&str>, String) {
    let parts: Vec<&str> = text.split('"').collect();
    let mut phrases = Vec::new();
    let mut rest = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        let closed = i % 2 == 1 && i + 1 < parts.len();
        if !closed {
            rest.push_str(part);
        } else if parts[i - 1].ends_with(['-', '+', ':']) {
            rest.push('"');
            rest.push_str(part);
            rest.push('"');
        } else {
            phrases.push(*part);
            rest.push(' ');
        }
    }
    (phrases, rest)
}

fn id_term(field: Field, id: ArticleId) -> Term {
    Term::from_field_u64(field, u64::try_from(id.0).unwrap_or(0))
}

fn date_term(field: Field, at: Timestamp) -> Term {
    Term::from_field_date(field, DateTime::from_timestamp_secs(at.as_second()))
}

fn document(f: Fields, a: &Article, analyzer: &mut TextAnalyzer) -> Option<TantivyDocument> {
    if !SearchIndex::is_searchable(a) {
        return None;
    }
    let published = a.published_at.as_ref()?.timestamp();
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, u64::try_from(a.id.0).ok()?);
    doc.add_text(f.slug, a.slug.as_str());
    doc.add_text(f.headline, &a.headline);
    if let Some(s) = &a.standfirst {
        doc.add_text(f.standfirst, s);
    }
    let body = plain_text(&a.body_html);
    doc.add_pre_tokenized_text(
        f.shingles,
        shingles(
            analyzer,
            &[&a.headline, a.standfirst.as_deref().unwrap_or(""), &body],
        ),
    );
    doc.add_text(f.body, body);
    for s in &a.sections {
        doc.add_text(f.section, s.slug.as_str());
    }
    if let Some(s) = a.sections.first() {
        doc.add_text(f.section_name, &s.name);
    }
    for c in &a.contributors {
        doc.add_text(f.contributor, c.slug.as_str());
    }
    if !a.contributors.is_empty() {
        let names: Vec<&str> = a.contributors.iter().map(|c| c.name.as_str()).collect();
        doc.add_text(f.byline, names.join(", "));
    }
    for s in &a.dateline.sources {
        doc.add_text(f.source, s.slug.as_str());
    }
    doc.add_date(
        f.published,
        DateTime::from_timestamp_secs(published.as_second()),
    );
    Some(doc)
}

/// The words of a sanitized body: tags dropped (a block ends a line),
/// the few entities the sanitizer writes decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        match rest[lt..].find('>') {
            Some(gt) => {
                out.push(' ');
                rest = &rest[lt + gt + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

#[cfg(test)]
mod tests;
