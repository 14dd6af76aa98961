//! Nodes of one store on temporary files, and cashiers making orders on them.

use std::sync::Arc;

use comanda_domain::clock::ManualClock;
use comanda_domain::ids::{DeviceId, SeqIds, StoreId};
use comanda_store::{Pairing, Store};
use comanda_sync::{Link, Round, SyncError, answer};
use comanda_testkit::actions;
use comanda_testkit::rng::Rng;
use tempfile::TempDir;

/// A node of the test store.
pub struct Node {
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub ids: Arc<SeqIds>,
    pub store: Store,
}

/// The store the nodes join.
pub fn store_id() -> StoreId {
    StoreId::new(&SeqIds::new(77))
}

impl Node {
    /// A node paired to [`store_id`] as terminal `n`, its clock at 1 000 000 ms, that pairs
    /// devices itself (as a hub does).
    pub fn paired(n: u64) -> Node {
        Node::paired_by(n, None)
    }

    /// A node paired as terminal `n` by `pairer` (itself when `None`).
    pub fn paired_by(n: u64, pairer: Option<DeviceId>) -> Node {
        let node = Node::unpaired(n);
        let device_id = DeviceId::new(&*node.ids);
        let pairing = Pairing {
            store_id: store_id(),
            device_id,
            terminal_no: n as u32,
            pairer: pairer.unwrap_or(device_id),
        };
        node.store.write(|tx| tx.pair(&pairing)).unwrap();
        node
    }

    /// A node that never joined a store.
    pub fn unpaired(n: u64) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(1_000_000));
        let ids = Arc::new(SeqIds::new(n));
        let store = Store::open(&dir.path().join("node.db"), clock.clone(), ids.clone()).unwrap();
        Node {
            dir,
            clock,
            ids,
            store,
        }
    }

    pub fn id(&self) -> DeviceId {
        self.store.device().unwrap().device_id
    }

    /// `n` cashier commands, chosen by `seed`; returns how many events they made.
    pub fn cashier(&self, seed: u64, n: usize) -> usize {
        let mut rng = Rng::new(seed);
        let mut made = 0;
        for _ in 0..n {
            self.clock.advance(1_000);
            made += actions::act(&self.store, &*self.ids, &mut rng)
                .unwrap()
                .len();
        }
        made
    }

    /// A copy of this node's database as it is now (a backup).
    pub fn backup(&self, name: &str) -> std::path::PathBuf {
        let backup = self.dir.path().join(name);
        rusqlite::Connection::open(self.dir.path().join("node.db"))
            .unwrap()
            .execute("VACUUM INTO ?1", [backup.display().to_string()])
            .unwrap();
        backup
    }

    /// This node with its database replaced by `backup` (its disk restored), reopened.
    pub fn restored(self, backup: &std::path::Path) -> Node {
        let Node {
            dir,
            clock,
            ids,
            store,
        } = self;
        drop(store);
        let path = dir.path().join("node.db");
        for ext in ["-wal", "-shm"] {
            let _gone = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        std::fs::copy(backup, &path).unwrap();
        let store = Store::open(&path, clock.clone(), ids.clone()).unwrap();
        Node {
            dir,
            clock,
            ids,
            store,
        }
    }

    pub fn event_count(&self) -> u64 {
        self.store.read(|r| r.event_count()).unwrap()
    }
}

/// One round: `asker` asks `answerer` through `link`.
pub fn round(asker: &Node, link: &mut Link, answerer: &Node) -> Result<Round, SyncError> {
    let req = link.request(&asker.store)?;
    let resp = answer(&answerer.store, &req)?;
    link.apply(&asker.store, &resp)
}

/// Rounds until neither has more for the other; returns how many it took.
pub fn sync(asker: &Node, link: &mut Link, answerer: &Node) -> usize {
    for n in 1..=10_000 {
        if !round(asker, link, answerer).unwrap().more {
            return n;
        }
    }
    panic!("no end to the exchange")
}
