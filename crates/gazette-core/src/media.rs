//! Images for stories: an upload is checked by its bytes (not its name),
//! decoded with limits, turned upright, and written again in a few widths,
//! as JPEG (or PNG) and WebP. Writing them again is also what strips the
//! camera's metadata, the place a photo was taken among it: no byte of the
//! upload is kept.
//!
//! Where the files live is one interface, [`MediaFiles`]: a folder in the
//! data directory ([`MediaStorage::Folder`]), or the database every node
//! reads ([`MediaStorage::Database`]) when several nodes serve the site.

use std::{io::Cursor, path::PathBuf, sync::Arc};

use async_trait::async_trait;
use gazette_domain::{MAX_WIDTH, Media, MediaId, NewMedia, User, WIDTHS, is_media_file_name};
use gazette_store::{Page, Store, StoreError};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, imageops::FilterType};

use crate::accounts::{Permission, can};

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;
/// Largest picture decoded, either side, in pixels.
const MAX_SIDE: u32 = 12_000;
/// Memory a decode may take at most.
const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;
/// Quality of the JPEG and WebP sizes.
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 78.0;

/// Where image files are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaStorage {
    /// A folder (the data directory's `images/`): one node.
    Folder(PathBuf),
    /// The database: every node over it serves every image.
    Database,
}

/// Reading and writing image files, wherever they live.
#[async_trait]
pub trait MediaFiles: Send + Sync {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), StoreError>;
    /// A file's bytes, `None` when there is no such file.
    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

/// Files in a folder.
pub struct FolderFiles(pub PathBuf);

#[async_trait]
impl MediaFiles for FolderFiles {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        debug_assert!(is_media_file_name(name));
        tokio::fs::create_dir_all(&self.0)
            .await
            .map_err(StoreError::other)?;
        // Written aside, then moved: a reader never sees half a file.
        let tmp = self.0.join(format!(".{name}.tmp"));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(StoreError::other)?;
        tokio::fs::rename(&tmp, self.0.join(name))
            .await
            .map_err(StoreError::other)
    }

    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if !is_media_file_name(name) {
            return Ok(None);
        }
        match tokio::fs::read(self.0.join(name)).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::other(e)),
        }
    }
}

/// Files in the database.
pub struct StoreFiles(pub Arc<dyn Store>);

#[async_trait]
impl MediaFiles for StoreFiles {
    async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.0.put_media_file(name, &bytes).await
    }

    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if !is_media_file_name(name) {
            return Ok(None);
        }
        match self.0.media_file(name).await {
            Ok(b) => Ok(Some(b)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Why an upload was refused; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is {got} MB; at most {} MB can be uploaded", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooBig { got: usize },
    #[error(
        "the file is not a JPEG, PNG, WebP or GIF image (its first bytes say so, whatever its name)"
    )]
    NotAnImage,
    #[error("the image could not be read: {0}")]
    Unreadable(String),
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: &'static str,
    },
    #[error("your role ({0}) may not upload images")]
    NotAllowed(gazette_domain::Role),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an uploader says about an image.
#[derive(Debug, Clone, Default)]
pub struct ImageText {
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// One made size: its width and its two files.
struct Size {
    width: u32,
    plain: Vec<u8>,
    webp: Vec<u8>,
}

/// The decoded, upright picture and whether it keeps a PNG (transparency).
fn decode(bytes: &[u8]) -> Result<(DynamicImage, bool), MediaError> {
    let format = image::guess_format(bytes).map_err(|_| MediaError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(MediaError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| MediaError::Unreadable(e.to_string()))?;
    // A camera's "turn me" note is obeyed once, then dropped with the rest.
    let orientation = decoder.orientation().ok();
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|e| MediaError::Unreadable(e.to_string()))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let png = format != ImageFormat::Jpeg && img.color().has_alpha();
    Ok((img, png))
}

/// Every size of `img`: the standard widths narrower than it, and its own
/// width (at most [`MAX_WIDTH`]).
fn sizes(img: &DynamicImage, png: bool) -> Result<Vec<Size>, MediaError> {
    let own = img.width().min(MAX_WIDTH);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < own).collect();
    widths.push(own);
    let mut out = Vec::with_capacity(widths.len());
    for width in widths {
        let sized = if width == img.width() {
            img.clone()
        } else {
            img.resize(width, u32::MAX, FilterType::Lanczos3)
        };
        let mut plain = Vec::new();
        let webp = if png {
            let rgba = sized.to_rgba8();
            image::codecs::png::PngEncoder::new(&mut plain)
                .write_image(
                    rgba.as_raw(),
                    rgba.width(),
                    rgba.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(|e| MediaError::Unreadable(e.to_string()))?;
            webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
                .encode(WEBP_QUALITY)
                .to_vec()
        } else {
            let rgb = sized.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, JPEG_QUALITY)
                .encode_image(&rgb)
                .map_err(|e| MediaError::Unreadable(e.to_string()))?;
            webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
                .encode(WEBP_QUALITY)
                .to_vec()
        };
        out.push(Size {
            width: sized.width(),
            plain,
            webp,
        });
    }
    Ok(out)
}

use image::ImageEncoder;

impl crate::Core {
    /// Takes an upload into the media library: checked, made in every
    /// size, stored. The same bytes uploaded again are the same item.
    pub async fn upload_image(
        &self,
        by: &User,
        file_name: &str,
        bytes: Vec<u8>,
        text: &ImageText,
    ) -> Result<Media, MediaError> {
        if !can(by.role, Permission::WriteDrafts) {
            return Err(MediaError::NotAllowed(by.role));
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(MediaError::TooBig {
                got: bytes.len().div_ceil(1024 * 1024),
            });
        }
        let alt = text.alt.trim();
        if alt.is_empty() {
            return Err(MediaError::Field {
                field: "alt",
                message: "describe the picture for readers who cannot see it",
            });
        }
        if alt.chars().count() > 300 || text.caption.chars().count() > 1000 {
            return Err(MediaError::Field {
                field: "alt",
                message: "alt text at most 300 characters, a caption at most 1,000",
            });
        }
        if text.credit.chars().count() > 200 {
            return Err(MediaError::Field {
                field: "credit",
                message: "a credit of at most 200 characters",
            });
        }
        if bytes.is_empty() {
            return Err(MediaError::Field {
                field: "file",
                message: "choose an image file to upload",
            });
        }
        let key = blake3::hash(&bytes).to_hex()[..20].to_owned();
        // Decoding and encoding take the CPU for a while: off the async
        // threads.
        let (made, png, (width, height)) = tokio::task::spawn_blocking(move || {
            let (img, png) = decode(&bytes)?;
            let made = sizes(&img, png)?;
            let largest = made.last().map_or((0, 0), |s| (s.width, 0));
            let height = if img.width() == 0 {
                0
            } else {
                ((u64::from(img.height()) * u64::from(largest.0)) / u64::from(img.width())) as u32
            };
            Ok::<_, MediaError>((made, png, (largest.0, height.max(1))))
        })
        .await
        .map_err(|e| MediaError::Unreadable(e.to_string()))??;
        let ext = if png { "png" } else { "jpg" };
        let mut widths = Vec::with_capacity(made.len());
        for size in made {
            widths.push(size.width);
            self.media_files
                .put(&format!("{key}-{}.{ext}", size.width), size.plain)
                .await?;
            self.media_files
                .put(&format!("{key}-{}.webp", size.width), size.webp)
                .await?;
        }
        let media = self
            .store
            .add_media(&NewMedia {
                key,
                file_name: file_name.chars().take(200).collect(),
                ext: ext.into(),
                width,
                height,
                alt: alt.to_owned(),
                caption: text.caption.trim().to_owned(),
                credit: text.credit.trim().to_owned(),
                widths,
                uploaded_by: Some(by.id),
                uploaded_at: self.now(),
            })
            .await?;
        self.audit(
            Some(by),
            "media.upload",
            &format!("image {}", media.id),
            &media.file_name,
        )
        .await;
        Ok(media)
    }

    /// One size's bytes, for serving.
    pub async fn image_file(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.media_files.get(name).await
    }

    /// The library, newest first.
    pub async fn media_library(
        &self,
        text: Option<&str>,
        page: Page,
    ) -> Result<Vec<Media>, StoreError> {
        self.store.media_library(text, page).await
    }

    pub async fn media(&self, id: MediaId) -> Result<Media, StoreError> {
        self.store.media(id).await
    }
}

/// The image as a story shows it: a `<figure>` whose `<picture>` offers
/// every WebP size and every JPEG (or PNG) size, so that a browser takes
/// the smallest that fills the column; alt text, caption and credit.
pub fn figure_html(m: &Media) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let set = |webp: bool| {
        m.widths
            .iter()
            .map(|w| format!("/images/{} {w}w", m.file(*w, webp)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback = m
        .widths
        .iter()
        .copied()
        .find(|w| *w >= 960)
        .or(m.widths.last().copied())
        .unwrap_or(m.width);
    let sizes = "(max-width: 46rem) 100vw, 46rem";
    let mut caption = String::new();
    if !m.caption.is_empty() || !m.credit.is_empty() {
        caption.push_str("<figcaption>");
        caption.push_str(&esc(&m.caption));
        if !m.credit.is_empty() {
            if !m.caption.is_empty() {
                caption.push(' ');
            }
            caption.push_str(&format!("<small>{}</small>", esc(&m.credit)));
        }
        caption.push_str("</figcaption>");
    }
    format!(
        "<figure><picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">\
         <img src=\"/images/{src}\" srcset=\"{plain}\" sizes=\"{sizes}\" width=\"{w}\" height=\"{h}\" \
         alt=\"{alt}\" loading=\"lazy\" decoding=\"async\"></picture>{caption}</figure>\n",
        webp = set(true),
        plain = set(false),
        src = m.file(fallback, false),
        w = fallback,
        h = m.height_at(fallback),
        alt = esc(&m.alt),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn sizes_are_the_narrower_widths_and_its_own() {
        let (img, png) = decode(&jpeg(1000, 500)).unwrap();
        assert!(!png);
        let made = sizes(&img, png).unwrap();
        assert_eq!(
            made.iter().map(|s| s.width).collect::<Vec<_>>(),
            [480, 960, 1000]
        );
        for s in &made {
            assert_eq!(&s.plain[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
            assert_eq!(&s.webp[..4], b"RIFF");
            assert_eq!(&s.webp[8..12], b"WEBP");
        }
        let (img, _) = decode(&jpeg(3000, 100)).unwrap();
        let made = sizes(&img, false).unwrap();
        assert_eq!(made.last().unwrap().width, MAX_WIDTH);
    }

    #[test]
    fn only_images_by_their_bytes() {
        assert!(matches!(
            decode(b"GIF89a not really"),
            Err(MediaError::Unreadable(_))
        ));
        assert!(matches!(
            decode(b"<html>hello</html>"),
            Err(MediaError::NotAnImage)
        ));
        assert!(matches!(decode(b"%PDF-1.7"), Err(MediaError::NotAnImage)));
    }

    #[test]
    fn the_figure_escapes_and_offers_every_size() {
        let m = Media {
            id: MediaId(1),
            key: "0123456789abcdef0123".into(),
            file_name: "a.jpg".into(),
            ext: "jpg".into(),
            width: 1600,
            height: 900,
            alt: "A \"quoted\" <b>harbour</b>".into(),
            caption: "Dawn & dusk".into(),
            credit: "Staff".into(),
            widths: vec![480, 960, 1600],
            uploaded_by: None,
            uploaded_at: jiff::Timestamp::UNIX_EPOCH,
        };
        let html = figure_html(&m);
        assert!(
            html.contains("alt=\"A &quot;quoted&quot; &lt;b&gt;harbour&lt;/b&gt;\""),
            "{html}"
        );
        assert!(html.contains("/images/0123456789abcdef0123-480.webp 480w, /images/0123456789abcdef0123-960.webp 960w, /images/0123456789abcdef0123-1600.webp 1600w"));
        assert!(html.contains("src=\"/images/0123456789abcdef0123-960.jpg\" "));
        assert!(html.contains("width=\"960\" height=\"540\""));
        assert!(html.contains("<figcaption>Dawn &amp; dusk <small>Staff</small></figcaption>"));
    }
}
