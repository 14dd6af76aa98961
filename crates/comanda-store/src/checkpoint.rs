//! Checkpoints of the write-ahead log on a thread of their own, off the committing call.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 WAL
//! pages): that commit copies every page of the WAL into the database file and syncs it before
//! it returns. A page of 5,000 events from a peer spent ~30% of its time there (`perf` on
//! `bench/examples/ingest_probe.rs`), and a cashier's tap that happened to cross the line paid
//! for everyone's writes. Here the writer's WAL hook only notes how long the WAL has grown; the
//! store nudges this thread, which runs a `PASSIVE` checkpoint on its own connection while the
//! writer goes on (WAL lets a checkpoint and a writer run at once; a passive one never blocks
//! either side). Should the thread fall behind, the committing call checkpoints inline past a
//! backstop, so the WAL never grows without bound.
//!
//! **Invariant:** durability is unchanged: a commit is durable when it is in the WAL (and synced
//! there under `synchronous=FULL`); a checkpoint only moves committed pages into the main file,
//! and SQLite runs one anyway when the last connection closes.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use rusqlite::Connection;
use rusqlite::hooks::Wal;

use crate::schema::{self, Role};

/// WAL pages after which a commit nudges the checkpoint thread (SQLite's own default for its
/// automatic checkpoint).
pub(crate) const NUDGE_PAGES: i32 = 1_000;

/// WAL pages past which the committing call checkpoints the whole WAL itself (64 MiB of 4 KiB
/// pages): only reached if the thread cannot keep up or is gone.
const BACKSTOP_PAGES: i32 = 16_384;

thread_local! {
    /// The WAL's length in pages after the last commit on this thread, set by [`wal_hook`].
    static WAL_PAGES: Cell<i32> = const { Cell::new(0) };
}

/// The writer's WAL hook (SQLite calls it on the committing thread, right after a commit):
/// notes the WAL's length for [`Checkpointer::after_commit`]. Installing it turns SQLite's
/// automatic checkpoint off.
pub(crate) fn wal_hook(_wal: &Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.with(|p| p.set(pages));
    Ok(())
}

/// The checkpoint thread of one database file, started at the first nudge. Dropping it lets
/// the thread finish the checkpoint under way and joins it.
///
/// A checkpoint on another connection copies the WAL up to where it ended when it began; the
/// writer goes on appending meanwhile, so the WAL is never wholly copied and SQLite never
/// starts it again from its beginning. Once the thread has copied its part, the next commit
/// copies the few pages written since, inline (cheap), and the commit after that starts the WAL
/// afresh. The heavy copy stays off the committing call.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    path: PathBuf,
    running: Option<Running>,
}

#[derive(Debug)]
struct Running {
    nudge: SyncSender<()>,
    /// Set by the thread when its checkpoint is done; cleared by the commit that finishes it.
    copied: Arc<AtomicBool>,
    /// A nudge was sent and its checkpoint not yet finished inline.
    nudged: bool,
    handle: JoinHandle<()>,
}

impl Running {
    /// Whether the nudged thread has finished its copy since the last call (then no longer
    /// nudged).
    fn take_copied(&mut self) -> bool {
        let done = self.nudged && self.copied.swap(false, Ordering::AcqRel);
        if done {
            self.nudged = false;
        }
        done
    }
}

impl Checkpointer {
    pub(crate) fn new(path: &Path) -> Checkpointer {
        Checkpointer {
            path: path.to_owned(),
            running: None,
        }
    }

    /// Called by the writer after each of its transactions, with its connection: nudges the
    /// thread once the WAL has grown past [`NUDGE_PAGES`], finishes the thread's checkpoint
    /// inline once it is done, and checkpoints inline past the backstop.
    pub(crate) fn after_commit(&mut self, writer: &Connection) {
        let pages = WAL_PAGES.with(|p| p.replace(0));
        // The thread's copy is done: the rest is finished inline below, or, when the WAL
        // started afresh (the copy was all of it), there is nothing left to finish.
        let copied = self.running.as_mut().is_some_and(Running::take_copied);
        if pages < NUDGE_PAGES {
            return;
        }
        if self.running.is_none() {
            self.running = self.start();
        }
        let inline = copied
            || match &mut self.running {
                None => true,
                Some(r) if r.nudged => false,
                Some(r) => match r.nudge.try_send(()) {
                    Ok(()) | Err(TrySendError::Full(())) => {
                        r.nudged = true;
                        false
                    }
                    Err(TrySendError::Disconnected(())) => {
                        // The thread ended; the next nudge tries a fresh one.
                        self.stop();
                        true
                    }
                },
            }
            || pages >= BACKSTOP_PAGES;
        if inline {
            checkpoint(writer);
        }
    }

    fn start(&self) -> Option<Running> {
        let conn = match schema::connect(&self.path, Role::Checkpoint) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "checkpoint thread not started; commits checkpoint inline");
                return None;
            }
        };
        let (nudge, nudges) = mpsc::sync_channel(1);
        let copied = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&copied);
        let handle = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &nudges, &done));
        match handle {
            Ok(handle) => Some(Running {
                nudge,
                copied,
                nudged: false,
                handle,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "checkpoint thread not started; commits checkpoint inline");
                None
            }
        }
    }

    /// Lets the thread finish every nudge it was given, then ends it (the next nudge starts
    /// a fresh one).
    pub(crate) fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            drop(r.nudge);
            let _ended = r.handle.join();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A passive checkpoint: copies what it can without waiting for anyone. Busy (another one
/// under way) or failed: a later commit tries again.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::debug!(error = %e, "checkpoint did not run");
    }
}

/// The thread: one passive checkpoint per nudge, until the store is dropped.
fn run(conn: &Connection, nudges: &Receiver<()>, copied: &AtomicBool) {
    while nudges.recv().is_ok() {
        checkpoint(conn);
        copied.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The WAL file's length (SQLite reuses the file from its start, never shrinks it).
    fn wal_bytes(path: &Path) -> u64 {
        std::fs::metadata(path.with_extension("sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0)
    }

    #[test]
    fn a_big_commit_is_checkpointed_by_the_thread_and_the_wal_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let conn = schema::connect(&path, Role::Writer).unwrap();
        conn.wal_hook(Some(wal_hook));
        conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let mut ck = Checkpointer::new(&path);
        let blob = vec![7u8; 3000];
        // Each round writes ~1,200 pages: past the nudge, far from the backstop.
        for round in 0..6 {
            conn.execute_batch("BEGIN").unwrap();
            for _ in 0..1200 {
                conn.execute("INSERT INTO t VALUES (?1)", [&blob]).unwrap();
            }
            conn.execute_batch("COMMIT").unwrap();
            ck.after_commit(&conn);
            let r = ck.running.as_ref().unwrap();
            assert!(r.nudged, "round {round}: the thread was nudged");
            // Once the thread's checkpoint is done, the next commit finishes it and the one
            // after starts the WAL again from its beginning.
            // (Bounded, so a broken thread fails the test instead of hanging it.)
            for _ in 0..60_000 {
                if r.copied.load(Ordering::Acquire) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert!(
                r.copied.load(Ordering::Acquire),
                "round {round}: never copied"
            );
            conn.execute("INSERT INTO t VALUES (?1)", [&blob]).unwrap();
            ck.after_commit(&conn);
        }
        // Without checkpoints the WAL would hold all ~7,200 pages (~29 MB); with them it is
        // reused from its start once copied.
        let wal = wal_bytes(&path);
        assert!(wal < 12 * 1024 * 1024, "WAL grew to {wal} bytes");
        drop(ck);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 7206);
    }

    #[test]
    fn a_small_commit_starts_no_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let conn = schema::connect(&path, Role::Writer).unwrap();
        conn.wal_hook(Some(wal_hook));
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
            .unwrap();
        let mut ck = Checkpointer::new(&path);
        ck.after_commit(&conn);
        assert!(ck.running.is_none());
    }
}
