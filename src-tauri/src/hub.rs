//! `--host-hub ADDR`: this terminal also hosts the store's hub (comanda-server's code, on its
//! own data in `hub/` under the terminal's data folder), for a store without a hub box. The hub
//! serves one store, made on first start under the terminal's store name; the runtime serves it
//! over TLS and a manager makes pairing codes from the sync panel.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use comanda_api::hosting::{HostedHub, PairingCodes};
use comanda_domain::ids::StoreId;
use comanda_server::Hub;
use comanda_store::system::{SystemClock, UuidV7Ids};

/// Makes codes for the hub's one store.
struct Codes {
    hub: Arc<Hub>,
    store: StoreId,
}

impl PairingCodes for Codes {
    fn make_code(&self, ttl_ms: u64) -> Result<String, String> {
        self.hub
            .make_code(self.store, ttl_ms)
            .map_err(|e| e.to_string())
    }
}

/// Opens (creating) the hosted hub under `data_dir`.
pub fn open(
    data_dir: &Path,
    listen: SocketAddr,
    advertise: Option<String>,
    store_name: &str,
) -> anyhow::Result<HostedHub> {
    let dir = data_dir.join("hub");
    let hub = Arc::new(
        Hub::open(&dir, Arc::new(SystemClock), Arc::new(UuidV7Ids))
            .with_context(|| format!("opening the hosted hub in {}", dir.display()))?,
    );
    let store = match hub.stores()?.first() {
        Some(s) => s.store_id,
        None => {
            let s = hub.create_store(store_name)?;
            tracing::info!(store = %s.store_id, name = store_name, "the hosted hub made its store");
            s.store_id
        }
    };
    let closing = hub.clone();
    Ok(HostedHub {
        listen,
        advertise,
        router: comanda_server::routes::router(hub.clone()),
        identity: hub.identity().clone(),
        store_id: store,
        codes: Arc::new(Codes {
            hub: hub.clone(),
            store,
        }),
        close: Arc::new(move || closing.close_watches()),
    })
}
