//! The reader site over real HTTP on loopback, every test on SQLite and on
//! PostgreSQL (`gazette_testkit::engines!`).

mod admin;
mod browser;
mod cache;
mod comments;
mod edges;
mod editor;
mod media;
mod reader;
mod redirects;
mod top;
mod util;
mod views;
