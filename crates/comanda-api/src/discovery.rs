//! Finding the store's terminals on the LAN by mDNS (DNS-SD, `_comanda._tcp.local.`), where the
//! network allows multicast: each paired terminal that answers peers announces itself (TXT:
//! its store and device ids), and listens for the others of its store. A terminal found this
//! way is asked at the address it answers from now, which may differ from the one it last told
//! the store (a new DHCP lease while the hub was down), or be the only one known.
//!
//! Trust does not come from here: an mDNS answer only says where to knock. The connection is
//! TLS pinned to the certificate the store's registry holds for that device, so a forged answer
//! can at worst point at a machine that fails the handshake, never pass for a terminal.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::PoisonError;

use comanda_domain::ids::{DeviceId, StoreId};
use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

use crate::ctx::Ctx;

/// The DNS-SD service type of a Comanda node answering peers.
pub const SERVICE: &str = "_comanda._tcp.local.";

/// A running announcement and search; stops when dropped.
pub struct Discovery {
    daemon: ServiceDaemon,
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery").finish_non_exhaustive()
    }
}

impl Drop for Discovery {
    fn drop(&mut self) {
        let _ = self.daemon.shutdown();
    }
}

/// Announces this terminal (answering peers at `at`) and looks for the others of its store;
/// what it finds goes into the sync worker's addresses. `None` when mDNS cannot start here (no
/// multicast): the addresses in the log and the hub still do.
pub fn start(ctx: &Ctx, store: StoreId, me: DeviceId, at: SocketAddr) -> Option<Discovery> {
    let daemon = match ServiceDaemon::new() {
        Ok(d) => d,
        Err(e) => {
            tracing::info!(error = %e, "no mDNS here: peers are found by the addresses they tell");
            return None;
        }
    };
    let ip: IpAddr = if at.ip().is_unspecified() {
        crate::sync::lan_address()?
    } else {
        at.ip()
    };
    let instance = me.to_string();
    let properties = [("store", store.to_string()), ("device", instance.clone())];
    let info = ServiceInfo::new(
        SERVICE,
        &instance,
        &format!("comanda-{instance}.local."),
        ip,
        at.port(),
        &properties[..],
    )
    .ok()?;
    if let Err(e) = daemon.register(info) {
        tracing::warn!(error = %e, "could not announce this terminal by mDNS");
    }
    let events = daemon.browse(SERVICE).ok()?;
    let ctx = ctx.clone();
    tokio::spawn(async move {
        while let Ok(event) = events.recv_async().await {
            let ServiceEvent::ServiceResolved(found) = event else {
                continue;
            };
            let same_store = found.get_property_val_str("store") == Some(&store.to_string());
            let device: Option<DeviceId> = found
                .get_property_val_str("device")
                .and_then(|d| d.parse().ok());
            let Some(device) = device.filter(|d| same_store && *d != me) else {
                continue;
            };
            let Some(ip) = found.get_addresses_v4().into_iter().min() else {
                continue;
            };
            let address = format!(
                "https://{}",
                SocketAddr::new(IpAddr::V4(ip), found.get_port())
            );
            let changed = {
                let mut all = ctx
                    .sync
                    .discovered
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                all.insert(device, address.clone()).as_ref() != Some(&address)
            };
            if changed {
                tracing::info!(%device, %address, "a terminal of this store found by mDNS");
                ctx.sync.wake();
            }
        }
    });
    Some(Discovery { daemon })
}

/// The address to ask a terminal of the store at: where mDNS found it, else where it said.
pub(crate) fn address_of(
    discovered: &BTreeMap<DeviceId, String>,
    device: DeviceId,
    said: Option<&String>,
) -> Option<String> {
    discovered.get(&device).or(said).cloned()
}
