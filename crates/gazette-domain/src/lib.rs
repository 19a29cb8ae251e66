#![doc = include_str!("../README.md")]
//!
//! Main types: [`Article`] (what readers see, with its relations resolved),
//! [`ArticleInput`] (what importers and editors hand to the store, naming
//! related things by name), [`Newsroom`], [`IsoWeek`] and [`Slug`].

mod account;
mod article;
mod comment;
mod error;
mod media;
mod newsroom;
mod redirect;
mod slug;
mod week;
mod workflow;

pub use account::{NewUser, Role, User, UserId, normalize_email};
pub use article::*;
pub use comment::{Comment, CommentId, CommentStatus, NewComment};
pub use error::DomainError;
pub use media::{MAX_WIDTH, Media, MediaId, NewMedia, WIDTHS, is_media_file_name};
pub use newsroom::Newsroom;
pub use redirect::{NAMING_PARAMS, Place, is_media_path, old_url_key};
pub use slug::Slug;
pub use week::{IsoWeek, MAX_WEEK_YEAR, MIN_WEEK_YEAR};
pub use workflow::WorkflowState;
