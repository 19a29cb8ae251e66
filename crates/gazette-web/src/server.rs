//! Serving connections: HTTP/1.1 with the limits a public server needs.
//!
//! `axum::serve` sets no timer, so hyper's header-read timeout is silently
//! off there, and it has no cap on connections: a slowloris that opens
//! connections and sends headers a byte at a time could hold them all
//! forever. Here every connection must send a request's headers within
//! `header_read_timeout` of the server waiting for them (which also closes
//! idle keep-alive connections), and at most `max_connections` are open at
//! once; more wait in the kernel's accept queue.

use std::{convert::Infallible, future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use axum::{body::Body, extract::ConnectInfo, http::Request};

use crate::{App, sendfile::Connection};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

/// How many connections, and how slow they may be.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// Time a connection has to send a request's headers once the server
    /// waits for them (also how long an idle keep-alive connection lives).
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a stop waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Raises this process's soft limit on open files to its hard limit, as
/// Go's runtime and nginx's `worker_rlimit_nofile` do: the usual soft
/// limit (1,024 under systemd) is far below `max_connections`, and a
/// server short of descriptors refuses readers. Returns the limit now in
/// force.
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(error = %e, "could not raise the open-files limit");
            return limit.current;
        }
    }
    getrlimit(Resource::Nofile).current
}

/// The listening sockets: one per serving thread, all on one address with
/// `SO_REUSEPORT`, so that the kernel spreads connections over them.
pub struct Listeners {
    sockets: Vec<std::net::TcpListener>,
}

impl Listeners {
    /// Binds `threads` sockets to `addr` (port 0: one free port, the same
    /// for all).
    pub fn bind(addr: SocketAddr, threads: usize) -> io::Result<Listeners> {
        let mut sockets = Vec::new();
        let mut addr = addr;
        for _ in 0..threads.max(1) {
            let socket = if addr.is_ipv4() {
                tokio::net::TcpSocket::new_v4()?
            } else {
                tokio::net::TcpSocket::new_v6()?
            };
            socket.set_reuseport(true)?;
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            let listener = socket.listen(1024)?.into_std()?;
            // The next sockets take the port the first one got.
            addr = listener.local_addr()?;
            sockets.push(listener);
        }
        Ok(Listeners { sockets })
    }

    /// The address every socket listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.sockets[0].local_addr()
    }
}

/// What [`serve`] takes: [`Listeners`], or one listener bound elsewhere
/// (tests bind `127.0.0.1:0`), served by one thread.
pub trait IntoListeners {
    fn into_listeners(self) -> io::Result<Listeners>;
}

impl IntoListeners for Listeners {
    fn into_listeners(self) -> io::Result<Listeners> {
        Ok(self)
    }
}

impl IntoListeners for TcpListener {
    fn into_listeners(self) -> io::Result<Listeners> {
        Ok(Listeners {
            sockets: vec![self.into_std()?],
        })
    }
}

/// Serves `router` on `listeners` until `shutdown` completes, then finishes
/// the requests in flight (for at most `shutdown_grace`).
///
/// Each listener gets a thread of its own running a single-threaded
/// runtime that accepts, reads, routes and answers its connections: a
/// request never moves between threads (a multi-threaded runtime's hand-offs
/// and wake-ups cost a quarter of a cached page; the same run measured
/// 0.70x nginx with one runtime for all, 0.84-0.95x with one per core). A
/// serving thread keeps its runtime after its connections end, until the
/// process does: database connections opened while serving a request belong
/// to that runtime, and the last write after the server stops may still
/// use them.
pub async fn serve(
    listeners: impl IntoListeners,
    app: impl Into<App>,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let listeners = listeners.into_listeners()?;
    let app = app.into();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut finished = Vec::new();
    for (i, socket) in listeners.sockets.into_iter().enumerate() {
        let (done, finished_one) = tokio::sync::oneshot::channel::<io::Result<()>>();
        finished.push(finished_one);
        let app = app.clone();
        let permits = permits.clone();
        let stopping = stopping.clone();
        std::thread::Builder::new()
            .name(format!("gazette-http-{i}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = done.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let served = accept_loop(socket, app, limits, permits, stopping).await;
                    let _ = done.send(served);
                    // Keep this runtime (see above) until the process ends.
                    std::future::pending::<()>().await;
                });
            })?;
    }
    shutdown.await;
    let _ = stop.send(true);
    let mut result = Ok(());
    for finished_one in finished {
        if let Ok(Err(e)) = finished_one.await {
            result = Err(e);
        }
    }
    result
}

/// One serving thread: accepts on `socket` until told to stop, then gives
/// its requests in flight up to the grace period.
async fn accept_loop(
    socket: std::net::TcpListener,
    app: App,
    limits: ServerLimits,
    permits: Arc<Semaphore>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) -> io::Result<()> {
    let listener = TcpListener::from_std(socket)?;
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            let app = app.clone();
            async move {
                if let Some(cache) = &app.cache
                    && let Some(page) = cache.answer(&mut req).await
                {
                    return Ok::<_, Infallible>(page);
                }
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                let resp = app
                    .router
                    .oneshot(req.map(Body::new))
                    .await
                    .unwrap_or_else(|e: Infallible| match e {});
                Ok(resp)
            }
        });
        let conn = graceful
            .watch(builder.serve_connection(TokioIo::new(Connection::new(stream)), service));
        tokio::spawn(async move {
            // Errors here are a client going away or timing out.
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("requests still in flight after the grace period");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    #[test]
    fn the_open_files_limit_is_raised_to_the_hard_one() {
        let hard = rustix::process::getrlimit(rustix::process::Resource::Nofile).maximum;
        assert_eq!(raise_open_files_limit(), hard);
    }

    /// Each request is answered by the thread that accepted it; the kernel
    /// spreads connections over the threads' sockets.
    #[tokio::test]
    async fn connections_spread_over_the_serving_threads() {
        let listeners = Listeners::bind("127.0.0.1:0".parse().unwrap(), 3).unwrap();
        let addr = listeners.local_addr().unwrap();
        assert!(
            listeners
                .sockets
                .iter()
                .all(|s| s.local_addr().unwrap() == addr)
        );
        let router = axum::Router::new().route(
            "/",
            get(|| async { std::thread::current().name().unwrap_or("?").to_owned() }),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listeners, router, ServerLimits::default(), async {
            let _ = stopped.await;
        }));
        let mut threads = std::collections::BTreeSet::new();
        for _ in 0..60 {
            // A new connection each time (no keep-alive pool).
            let client = reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            let name = client
                .get(format!("http://{addr}/"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(name.starts_with("gazette-http-"), "{name}");
            threads.insert(name);
        }
        assert!(
            threads.len() > 1,
            "one thread took every connection: {threads:?}"
        );
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
