//! The media library, and the files of its images when they are kept in
//! the database (so that every node can serve them).

use async_trait::async_trait;
use gazette_domain::{Media, MediaId, NewMedia};

use crate::{Page, StoreResult};

#[async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Adds an item; an item with the same key (the same file uploaded
    /// again) is returned as it is.
    async fn add_media(&self, media: &NewMedia) -> StoreResult<Media>;

    async fn media(&self, id: MediaId) -> StoreResult<Media>;

    /// The library, newest first; `text` (when given) must be in the file
    /// name, alt text or caption (case-insensitively for ASCII).
    async fn media_library(&self, text: Option<&str>, page: Page) -> StoreResult<Vec<Media>>;

    /// Keeps a file's bytes under `name` (replacing what was there).
    async fn put_media_file(&self, name: &str, bytes: &[u8]) -> StoreResult<()>;

    /// A file's bytes.
    async fn media_file(&self, name: &str) -> StoreResult<Vec<u8>>;
}
