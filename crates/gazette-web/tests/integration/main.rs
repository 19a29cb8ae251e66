//! The reader site over real HTTP on loopback, with a real SQLite store.

mod browser;
mod cache;
mod comments;
mod top;
mod util;
mod views;
