//! End-to-end tests of the `gazette` binary: real processes, a real SQLite
//! file, a real HTTP client against the real server on loopback.

mod backup;
mod cli;
mod counts;
mod crash;
mod demo;
mod multinode;
mod seed_page;
mod store_copy;
mod util;
mod wxr;
mod xss;
