//! The asking side as a worker you can step (conventions.md §9): one [`PeerClient`] per peer,
//! whose [`step`](PeerClient::step) makes at most one exchange and says when to call it again.
//! The loop around it (in `comanda-api`'s runtime) only sleeps and wakes; tests and the
//! simulation call `step` with their own clock.
//!
//! What a failure does, whatever it was (the worker never stops retrying on its own, the most
//! common sync bug in the anchors, powersync-native #15):
//! - 401 or 403: the peer no longer knows this terminal: stop, and say it must be paired again
//!   (no busy loop); only a new pairing starts it again;
//! - 413: halve the pages and try again at once;
//! - 429 or 503 with `Retry-After`: wait that long;
//! - anything else (unreachable, a timeout, a 5xx, an answer that does not parse): exponential
//!   backoff with full jitter, from 250 ms to 60 s, re-armed after every failure and reset by a
//!   success; after 5 failures in a row the circuit opens and the peer is only probed every 30 s.

use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use comanda_domain::ids::DeviceId;
use comanda_domain::rng::Rng;
use comanda_store::Store;

use crate::error::SyncError;
use crate::exchange::{Link, Round};
use crate::wire::{ExchangeRequest, ExchangeResponse};

/// The first delay after a failure.
pub const BACKOFF_MIN: Duration = Duration::from_millis(250);
/// The longest delay between two tries.
pub const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// Failures in a row that open the circuit.
pub const BREAKER_FAILURES: u32 = 5;
/// How long an open circuit waits before one probe.
pub const BREAKER_OPEN: Duration = Duration::from_secs(30);
/// How long a peer that answered "wait" is left alone at most, whatever it asked.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(300);

/// Why an exchange did not come back with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The peer could not be reached, or did not answer in time.
    Unreachable(String),
    /// The peer answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// Its `Retry-After`, if it gave one.
        retry_after: Option<Duration>,
        /// The `code` of its `{code, message}` body.
        code: String,
        /// Its message.
        message: String,
    },
    /// The answer came but broke the protocol.
    Protocol(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(why) => write!(f, "unreachable: {why}"),
            Failure::Status {
                status,
                code,
                message,
                ..
            } => write!(f, "{status} {code}: {message}"),
            Failure::Protocol(why) => write!(f, "protocol: {why}"),
        }
    }
}

/// How one exchange travels to a peer: HTTP in the app ([`crate::http::HttpTransport`]), a
/// function call in tests.
pub trait Transport: Send + Sync {
    /// Sends `req` to the peer at `address` and waits for its answer.
    fn exchange(
        &self,
        address: &str,
        req: &ExchangeRequest,
    ) -> impl std::future::Future<Output = Result<ExchangeResponse, Failure>> + Send;
}

/// Where a peer stands, for the sync badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerState {
    /// The last exchange succeeded.
    Online,
    /// Failing; the next try is at `next_ms`.
    Retrying {
        /// Failures in a row.
        failures: u32,
        /// When the next try is due (ms, the caller's clock).
        next_ms: u64,
    },
    /// The circuit is open: only a probe at `next_ms`.
    Open {
        /// When the probe is due.
        next_ms: u64,
    },
    /// Stopped: the peer refused this terminal (401/403); it must be paired again.
    MustPair(String),
}

/// What a step did, and when to step again.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// An exchange went through; `more` says to step again at once.
    Exchanged {
        /// What the round did.
        round: Box<Round>,
        /// Step again now.
        more: bool,
    },
    /// Not yet: step again at this time (ms).
    WaitUntil(u64),
    /// The exchange failed; the next try is at this time (ms).
    Failed {
        /// Why.
        failure: Failure,
        /// When to try again (ms).
        next_ms: u64,
    },
    /// Stopped until paired again.
    Stopped,
}

/// The asking side towards one peer: its link, its backoff and its circuit.
#[derive(Debug)]
pub struct PeerClient {
    link: Link,
    address: String,
    state: PeerState,
    failures: u32,
    /// The schedule of delays, rebuilt after each success.
    schedule: backon::ExponentialBackoff,
    /// Full jitter: each delay is drawn in `[0, d]` from this seeded source.
    jitter: Rng,
    seed: u64,
}

fn schedule() -> backon::ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(BACKOFF_MIN)
        .with_max_delay(BACKOFF_MAX)
        .with_factor(2.0)
        .without_max_times()
        .build()
}

impl PeerClient {
    /// A client for `peer` at `address`; `seed` makes its jitter replayable in tests.
    pub fn new(peer: DeviceId, address: impl Into<String>, seed: u64) -> PeerClient {
        PeerClient {
            link: Link::new(peer),
            address: address.into(),
            state: PeerState::Online,
            failures: 0,
            schedule: schedule(),
            jitter: Rng::new(seed),
            seed,
        }
    }

    /// A client that starts from `link` (see [`Link::believing`]).
    pub fn with_link(link: Link, address: impl Into<String>, seed: u64) -> PeerClient {
        PeerClient {
            link,
            ..PeerClient::new(DeviceId::NIL, address, seed)
        }
    }

    /// The peer.
    pub fn peer(&self) -> DeviceId {
        self.link.peer()
    }

    /// Where it is reached.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Where it stands.
    pub fn state(&self) -> &PeerState {
        &self.state
    }

    /// The link (its page limits, what the peer last held).
    pub fn link(&self) -> &Link {
        &self.link
    }

    /// Makes at most one exchange with the peer, if one is due at `now_ms`. The store's work
    /// runs on a blocking thread.
    pub async fn step<T: Transport>(
        &mut self,
        store: &Arc<Store>,
        transport: &T,
        now_ms: u64,
    ) -> Result<Step, SyncError> {
        match self.state {
            PeerState::MustPair(_) => return Ok(Step::Stopped),
            PeerState::Retrying { next_ms, .. } | PeerState::Open { next_ms }
                if now_ms < next_ms =>
            {
                return Ok(Step::WaitUntil(next_ms));
            }
            _ => {}
        }
        let req = {
            let (store, link) = (store.clone(), self.link.clone());
            blocking(move || link.request(&store)).await??
        };
        match transport.exchange(&self.address, &req).await {
            Ok(resp) => {
                let (store2, mut link) = (store.clone(), self.link.clone());
                let applied = blocking(move || {
                    let round = link.apply(&store2, &resp);
                    (link, round)
                })
                .await?;
                let (link, round) = applied;
                match round {
                    Ok(round) => {
                        self.link = link;
                        self.state = PeerState::Online;
                        self.failures = 0;
                        self.schedule = schedule();
                        let more = round.more;
                        Ok(Step::Exchanged {
                            round: Box::new(round),
                            more,
                        })
                    }
                    Err(SyncError::Store(e)) => Err(SyncError::Store(e)),
                    Err(e) => {
                        let failure = Failure::Protocol(e.to_string());
                        Ok(self.failed(store, failure, now_ms).await)
                    }
                }
            }
            Err(failure) => Ok(self.failed(store, failure, now_ms).await),
        }
    }

    /// Decides what a failure does to this peer, records it, and says when to try again.
    async fn failed(&mut self, store: &Arc<Store>, failure: Failure, now_ms: u64) -> Step {
        let peer = self.peer();
        let text = failure.to_string();
        let store = store.clone();
        // A failure to record a failure must not stop the worker: it is logged and retried.
        let recorded =
            blocking(move || store.write(|tx| tx.record_peer_failure(peer, &text))).await;
        if let Err(e) = recorded
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            tracing::warn!(%peer, error = %e, "could not record a sync failure");
        }
        tracing::info!(%peer, %failure, "exchange failed");
        match &failure {
            Failure::Status { status, .. } if *status == 401 || *status == 403 => {
                self.state = PeerState::MustPair(failure.to_string());
                return Step::Stopped;
            }
            Failure::Status { status: 413, .. } => {
                self.link.push = self.link.push.halved();
                self.link.pull = self.link.pull.halved();
                self.state = PeerState::Retrying {
                    failures: self.failures,
                    next_ms: now_ms,
                };
                return Step::Failed {
                    failure,
                    next_ms: now_ms,
                };
            }
            _ => {}
        }
        self.failures += 1;
        let asked = match &failure {
            Failure::Status {
                status: 429 | 503,
                retry_after: Some(after),
                ..
            } => Some((*after).min(RETRY_AFTER_MAX)),
            _ => None,
        };
        let delay = match asked {
            Some(after) => after,
            None => {
                let cap = self.schedule.next().unwrap_or(BACKOFF_MAX);
                let cap_ms = cap.as_millis() as u64;
                Duration::from_millis(self.jitter.below(cap_ms + 1))
            }
        };
        let mut next_ms = now_ms + delay.as_millis() as u64;
        if self.failures >= BREAKER_FAILURES {
            next_ms = next_ms.max(now_ms + BREAKER_OPEN.as_millis() as u64);
            self.state = PeerState::Open { next_ms };
        } else {
            self.state = PeerState::Retrying {
                failures: self.failures,
                next_ms,
            };
        }
        Step::Failed { failure, next_ms }
    }

    /// Forgets a "must pair again" (after a new pairing) and any backoff.
    pub fn reset(&mut self) {
        self.state = PeerState::Online;
        self.failures = 0;
        self.schedule = schedule();
        self.jitter = Rng::new(self.seed);
    }
}

/// Runs store work on a blocking thread (rusqlite never runs on the async workers).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, SyncError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => Ok(v),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(SyncError::ShuttingDown),
    }
}
