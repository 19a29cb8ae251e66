//! Images uploaded to the newsroom's media library.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::UserId;

/// Store-assigned identity of a media item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediaId(pub i64);

impl fmt::Display for MediaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The widths an image is made in (those narrower than the upload, and the
/// upload's own width up to [`MAX_WIDTH`]).
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// The widest an image is kept.
pub const MAX_WIDTH: u32 = 2400;

/// An image of the media library: its sizes are files named
/// `{key}-{width}.{ext}` and `{key}-{width}.webp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: MediaId,
    /// A hash of the uploaded bytes (hex): the same file uploaded twice is
    /// one item.
    pub key: String,
    /// The name the file was uploaded with, for finding it again.
    pub file_name: String,
    /// `jpg` or `png`: the format of the non-WebP sizes.
    pub ext: String,
    /// The largest size's dimensions.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// Every width it was made in, narrowest first.
    pub widths: Vec<u32>,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: Timestamp,
}

impl Media {
    /// The file name of one size.
    pub fn file(&self, width: u32, webp: bool) -> String {
        let ext = if webp { "webp" } else { self.ext.as_str() };
        format!("{}-{width}.{ext}", self.key)
    }

    /// A size's height, keeping the proportions.
    pub fn height_at(&self, width: u32) -> u32 {
        if self.width == 0 {
            return 0;
        }
        ((u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2)
            / u64::from(self.width))
        .max(1) as u32
    }
}

/// A media item to add.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub key: String,
    pub file_name: String,
    pub ext: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub widths: Vec<u32>,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: Timestamp,
}

/// Whether `name` could be a size's file name: `{20 hex}-{width}.{jpg|png|webp}`.
pub fn is_media_file_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let Some((key, width)) = stem.split_once('-') else {
        return false;
    };
    matches!(ext, "jpg" | "png" | "webp")
        && key.len() == 20
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && !width.is_empty()
        && width.len() <= 5
        && width.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_checked_before_any_lookup() {
        assert!(is_media_file_name("0123456789abcdef0123-960.webp"));
        assert!(is_media_file_name("0123456789abcdef0123-480.jpg"));
        for bad in [
            "../etc/passwd",
            "0123456789abcdef0123-960.gif",
            "0123456789ABCDEF0123-960.jpg",
            "0123456789abcdef012-960.jpg",
            "0123456789abcdef0123-.jpg",
            "0123456789abcdef0123-999999.jpg",
            "0123456789abcdef0123-96/0.jpg",
        ] {
            assert!(!is_media_file_name(bad), "{bad}");
        }
    }
}
