//! Throttling guesses at the API token: after a few failed sign-ins or bad
//! bearer tokens from one network (an IPv4 address or IPv6 /64), that
//! network is locked out for a while, right token or not.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed in a window before the lockout.
pub const MAX_FAILURES: u32 = 5;
/// The window failures are counted in, and the lockout's length.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Networks remembered at most (the oldest are forgotten first).
const MAX_TRACKED: usize = 100_000;

struct Record {
    failures: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

#[derive(Default)]
pub struct Throttle {
    records: Mutex<HashMap<[u8; 8], Record>>,
}

fn network(ip: IpAddr) -> [u8; 8] {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let mut k = [0u8; 8];
            k[..4].copy_from_slice(&v4.octets());
            k[7] = 4;
            k
        }
        IpAddr::V6(v6) => v6.octets()[..8].try_into().expect("8 bytes"),
    }
}

impl Throttle {
    /// Whether `client` may try now.
    pub fn allowed(&self, client: IpAddr, now: Instant) -> bool {
        let records = self.records.lock().expect("throttle lock");
        match records.get(&network(client)) {
            Some(r) => r.locked_until.is_none_or(|until| now >= until),
            None => true,
        }
    }

    /// Notes a failed try; returns whether the network is now locked out.
    pub fn failed(&self, client: IpAddr, now: Instant) -> bool {
        let mut records = self.records.lock().expect("throttle lock");
        if records.len() >= MAX_TRACKED {
            records.retain(|_, r| now.duration_since(r.first) < WINDOW);
        }
        let r = records.entry(network(client)).or_insert(Record {
            failures: 0,
            first: now,
            locked_until: None,
        });
        if now.duration_since(r.first) >= WINDOW && r.locked_until.is_none_or(|u| now >= u) {
            *r = Record {
                failures: 0,
                first: now,
                locked_until: None,
            };
        }
        r.failures += 1;
        if r.failures >= MAX_FAILURES {
            r.locked_until = Some(now + WINDOW);
        }
        r.locked_until.is_some()
    }

    /// A success forgets the network's failures.
    pub fn succeeded(&self, client: IpAddr) {
        self.records
            .lock()
            .expect("throttle lock")
            .remove(&network(client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_is_locked_out_after_a_few_failures_and_then_let_back() {
        let t = Throttle::default();
        let now = Instant::now();
        let ip: IpAddr = "2001:db8::1".parse().unwrap();
        for i in 1..MAX_FAILURES {
            assert!(!t.failed(ip, now), "failure {i}");
            assert!(t.allowed(ip, now));
        }
        assert!(t.failed(ip, now));
        assert!(!t.allowed(ip, now), "locked out");
        assert!(
            !t.allowed("2001:db8::ffff".parse().unwrap(), now),
            "the whole /64"
        );
        assert!(
            t.allowed("192.0.2.1".parse().unwrap(), now),
            "others are not"
        );
        assert!(t.allowed(ip, now + WINDOW), "let back after the lockout");
        let other: IpAddr = "192.0.2.9".parse().unwrap();
        t.failed(other, now);
        t.succeeded(other);
        assert!(t.allowed(other, now));
    }
}
