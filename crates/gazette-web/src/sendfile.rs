//! Large cached pages leave through `sendfile(2)`, as nginx sends a static
//! file: the kernel hands the socket the pages of a sealed memory file
//! instead of copying the body out of the process for every reader.
//!
//! A week's edition of a busy newsroom is a few hundred kilobytes; copying
//! it into the socket was most of what serving it cost (`perf`:
//! `_copy_from_iter` at 38% of the server's time). So a cached body of at
//! least [`SENDFILE_FROM`] bytes is [`filed`]: kept in memory as before
//! (everything that reads it, compression, HEAD, tests, reads it there)
//! and also written once into a sealed `memfd`, its address noted. The
//! connection ([`Connection`]) looks at each slice hyper asks it to write:
//! one that lies inside a filed body is sent from the file at the same
//! offset, anything else is written as usual. Because the bytes in memory
//! and in the file are the same and neither can change (a `Bytes` is
//! immutable, the file is sealed), a slice sent either way is the same
//! bytes on the wire; a body that could not be filed (no `memfd`, too many
//! files open) is simply written.
//!
//! No `unsafe`: nothing is mapped; the body is kept twice, which the page
//! cache counts when it weighs a page.

use std::{
    collections::BTreeMap,
    io,
    pin::Pin,
    sync::{
        Arc, LazyLock, RwLock,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    task::{Context, Poll},
};

use axum::body::Bytes;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};

/// Bodies this large and larger are filed.
pub(crate) const SENDFILE_FROM: usize = 64 * 1024;

/// Slices shorter than this are written even when they lie in a filed
/// body (the tail of a partly sent one): not worth a lookup and a syscall.
const SEND_FROM: usize = 8 * 1024;

/// At most this many bodies are filed at once (each holds a descriptor):
/// an eighth of the open-files limit, at most 512; more are written as
/// before.
static MAX_FILES: LazyLock<usize> = LazyLock::new(|| {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    files_for(limit)
});

fn files_for(open_files_limit: Option<u64>) -> usize {
    let limit = open_files_limit.unwrap_or(u64::MAX);
    usize::try_from(limit / 8).unwrap_or(usize::MAX).min(512)
}

/// A filed body: where it lies in memory, and its file.
struct Region {
    len: usize,
    file: Arc<std::os::fd::OwnedFd>,
}

/// Filed bodies by the address of their first byte.
static REGIONS: LazyLock<RwLock<BTreeMap<usize, Region>>> = LazyLock::new(Default::default);
static FILED: AtomicUsize = AtomicUsize::new(0);
static SENT: AtomicU64 = AtomicU64::new(0);

/// Bytes sent from filed bodies since start.
pub(crate) fn bytes_sent() -> u64 {
    SENT.load(Ordering::Relaxed)
}

/// `bytes`, filed when it is large enough (see the module's doc). The
/// result reads the same; keep it instead of `bytes`.
pub(crate) fn filed(bytes: Bytes) -> Bytes {
    if bytes.len() < SENDFILE_FROM {
        return bytes;
    }
    if FILED.fetch_add(1, Ordering::AcqRel) >= *MAX_FILES {
        FILED.fetch_sub(1, Ordering::AcqRel);
        return bytes;
    }
    match memory_file(&bytes) {
        Ok(file) => {
            let file = Arc::new(file);
            REGIONS.write().unwrap_or_else(|e| e.into_inner()).insert(
                bytes.as_ptr() as usize,
                Region {
                    len: bytes.len(),
                    file: file.clone(),
                },
            );
            Bytes::from_owner(Filed { bytes, file })
        }
        Err(e) => {
            FILED.fetch_sub(1, Ordering::AcqRel);
            tracing::debug!(error = %e, "a page is written, not sent from a file");
            bytes
        }
    }
}

/// A sealed memory file holding `bytes`.
fn memory_file(bytes: &[u8]) -> io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{MemfdFlags, SealFlags};
    use std::io::Write;
    let fd = rustix::fs::memfd_create(
        "gazette-page",
        MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
    )?;
    let mut file = std::fs::File::from(fd);
    file.write_all(bytes)?;
    rustix::fs::fcntl_add_seals(
        &file,
        SealFlags::WRITE | SealFlags::SHRINK | SealFlags::GROW | SealFlags::SEAL,
    )?;
    Ok(file.into())
}

/// Owns a filed body; forgets its region when the last `Bytes` of it goes.
struct Filed {
    bytes: Bytes,
    file: Arc<std::os::fd::OwnedFd>,
}

impl AsRef<[u8]> for Filed {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Filed {
    fn drop(&mut self) {
        let mut regions = REGIONS.write().unwrap_or_else(|e| e.into_inner());
        let key = self.bytes.as_ptr() as usize;
        // The same memory filed twice: only our own entry goes.
        if regions
            .get(&key)
            .is_some_and(|r| Arc::ptr_eq(&r.file, &self.file))
        {
            regions.remove(&key);
        }
        FILED.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The file and offset holding `slice`, when it lies inside a filed body.
fn find(slice: &[u8]) -> Option<(Arc<std::os::fd::OwnedFd>, u64)> {
    if slice.len() < SEND_FROM || FILED.load(Ordering::Acquire) == 0 {
        return None;
    }
    let start = slice.as_ptr() as usize;
    let regions = REGIONS.read().unwrap_or_else(|e| e.into_inner());
    let (&base, region) = regions.range(..=start).next_back()?;
    // `slice` is borrowed, so the body holding it is alive and registered.
    (start + slice.len() <= base + region.len).then(|| (region.file.clone(), (start - base) as u64))
}

/// A served connection: writes as a `TcpStream` does, except slices of
/// filed bodies, which it sends from their file.
pub(crate) struct Connection {
    stream: TcpStream,
}

impl Connection {
    pub(crate) fn new(stream: TcpStream) -> Self {
        Connection { stream }
    }

    /// Sends `len` bytes of `file` from `offset`.
    fn send(
        &self,
        cx: &mut Context<'_>,
        file: &std::os::fd::OwnedFd,
        offset: u64,
        len: usize,
    ) -> Poll<io::Result<usize>> {
        let sent = self.write_with(cx, || {
            let mut at = offset;
            rustix::fs::sendfile(&self.stream, file, Some(&mut at), len)
        });
        if let Poll::Ready(Ok(n)) = sent {
            SENT.fetch_add(n as u64, Ordering::Relaxed);
        }
        sent
    }

    /// Writes `bufs` (a response's head) held back with `MSG_MORE`, as
    /// nginx's `tcp_nopush`: they leave in the same segments as the body
    /// sent next, instead of a packet of their own.
    fn send_more(&self, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        use rustix::net::{SendAncillaryBuffer, SendFlags};
        self.write_with(cx, || {
            rustix::net::sendmsg(
                &self.stream,
                bufs,
                &mut SendAncillaryBuffer::default(),
                SendFlags::MORE | SendFlags::NOSIGNAL,
            )
        })
    }

    /// One write by `op` once the socket is writable.
    fn write_with(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut() -> rustix::io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            std::task::ready!(self.stream.poll_write_ready(cx))?;
            match self
                .stream
                .try_io(tokio::io::Interest::WRITABLE, || op().map_err(Into::into))
            {
                Ok(n) => return Poll::Ready(Ok(n)),
                // Readiness was stale: `try_io` cleared it; wait again.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some((file, offset)) = find(buf) {
            return self.send(cx, &file, offset, buf.len());
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    /// The slices before the first filed one go in one `writev`; a filed
    /// slice at the front goes alone, from its file. hyper calls again
    /// with what is left.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first = bufs.iter().position(|b| !b.is_empty()).unwrap_or(0);
        for (i, buf) in bufs.iter().enumerate().skip(first) {
            if let Some((file, offset)) = find(buf) {
                if i == first {
                    return self.send(cx, &file, offset, buf.len());
                }
                return self.send_more(cx, &bufs[..i]);
            }
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn body(len: usize, seed: u8) -> Bytes {
        (0..len)
            .map(|i| {
                (i as u8)
                    .wrapping_mul(31)
                    .wrapping_add(seed ^ (i >> 8) as u8)
            })
            .collect::<Vec<u8>>()
            .into()
    }

    /// A connected pair: the server's side wrapped, with a small send
    /// buffer, so that a large body leaves in many partial sends.
    async fn pair() -> (Connection, TcpStream) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move { TcpStream::connect(addr).await.unwrap() });
        let (server, _) = listener.accept().await.unwrap();
        rustix::net::sockopt::set_socket_send_buffer_size(&server, 8 * 1024).unwrap();
        (Connection::new(server), client.await.unwrap())
    }

    /// Writes `parts` as hyper does (vectored, again with what is left)
    /// while the other end reads slowly; returns what it read.
    async fn round_trip(parts: Vec<Bytes>) -> Vec<u8> {
        let (mut server, mut client) = pair().await;
        let total: usize = parts.iter().map(Bytes::len).sum();
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut chunk = vec![0; 4096];
            while got.len() < total {
                let n = client.read(&mut chunk).await.unwrap();
                assert!(n > 0, "the connection closed early");
                got.extend_from_slice(&chunk[..n]);
                tokio::task::yield_now().await;
            }
            got
        });
        let mut parts = std::collections::VecDeque::from(parts);
        while !parts.is_empty() {
            let slices: Vec<io::IoSlice> = parts.iter().map(|b| io::IoSlice::new(b)).collect();
            let mut n = server.write_vectored(&slices).await.unwrap();
            assert!(n > 0);
            while n > 0 {
                let front = parts.front_mut().unwrap();
                let took = n.min(front.len());
                let _ = front.split_to(took);
                n -= took;
                if front.is_empty() {
                    parts.pop_front();
                }
            }
        }
        server.flush().await.unwrap();
        reader.await.unwrap()
    }

    #[tokio::test]
    async fn a_filed_body_arrives_whole_and_leaves_from_its_file() {
        let page = body(300 * 1024 + 17, 5);
        let kept = filed(page.clone());
        assert_eq!(kept, page, "a filed body reads the same");
        assert!(find(&kept[..]).is_some(), "its memory is noted");
        let head = Bytes::from_static(b"HTTP/1.1 200 OK\r\ncontent-length: 307217\r\n\r\n");
        let sent_before = bytes_sent();
        // Also a part from the middle of the body, as the slice hyper
        // holds after a partial write.
        let middle = kept.slice(1000..90_000);
        let got = round_trip(vec![head.clone(), kept.clone(), middle.clone()]).await;
        let mut want = head.to_vec();
        want.extend_from_slice(&page);
        want.extend_from_slice(&page[1000..90_000]);
        assert!(got == want, "the bytes on the wire differ from the body");
        // Everything but tails shorter than SEND_FROM left from the file
        // (other tests may send at the same time: at least this much).
        let sent = bytes_sent() - sent_before;
        assert!(
            sent as usize >= page.len() + 89_000 - 2 * SEND_FROM,
            "only {sent} bytes were sent from the file"
        );
    }

    #[test]
    fn files_are_an_eighth_of_the_descriptors() {
        assert_eq!(files_for(Some(1024)), 128);
        assert_eq!(files_for(Some(20_000)), 512);
        assert_eq!(files_for(None), 512);
        assert_eq!(files_for(Some(7)), 0);
    }

    #[tokio::test]
    async fn small_bodies_and_plain_memory_are_written() {
        let small = body(SENDFILE_FROM - 1, 9);
        let kept = filed(small.clone());
        assert!(find(&kept[..]).is_none(), "a small body is not filed");
        let plain = body(200 * 1024, 3);
        assert!(find(&plain[..]).is_none(), "memory that was never filed");
        let got = round_trip(vec![kept, plain.clone()]).await;
        let mut want = small.to_vec();
        want.extend_from_slice(&plain);
        assert!(got == want);
    }

    #[tokio::test]
    async fn a_dropped_body_is_forgotten() {
        let kept = filed(body(100 * 1024, 1));
        let file = Arc::downgrade(&find(&kept[..]).unwrap().0);
        let copy = kept.clone();
        drop(kept);
        assert!(find(&copy[..]).is_some(), "alive while one copy is");
        drop(copy);
        assert!(
            file.upgrade().is_none(),
            "the file (and its region) outlived the body"
        );
    }
}
