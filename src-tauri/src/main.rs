//! The Comanda desktop app. With a display it opens the Tauri window, whose one command delegates
//! to `comanda-api`; with `--headless` (or no display) it serves the same UI and API over HTTP on
//! 127.0.0.1 and prints the address.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod assets;
#[cfg(feature = "desktop")]
mod desktop;
mod headless;
mod hub;
mod screens;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use comanda_api::Ctx;
use comanda_api::system::{SystemClock, UuidV7Ids};

/// Comanda, the restaurant point of sale that keeps working offline.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Open no window: serve the UI and API over HTTP on 127.0.0.1 (chosen anyway without a display).
    #[arg(long)]
    headless: bool,
    /// Where the terminal keeps its database (default: the user's data folder).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The port to serve on in headless mode (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Do not load the demo menu and staff on first run.
    #[arg(long)]
    no_demo: bool,
    /// Where to answer the store's other terminals once paired (`off` to answer none; the hub
    /// is always asked).
    #[arg(long, default_value = "0.0.0.0:8789", value_name = "ADDR|off")]
    peer_listen: String,
    /// The address other terminals are told to reach this one at (default: this machine's
    /// address towards the hub, with the port listened on).
    #[arg(long, value_name = "URL")]
    peer_advertise: Option<String>,
    /// Where browsers on the LAN open this terminal's kitchen board (`http://<this>:8790/screen`;
    /// read-only until a manager pairs them; `off` to serve none).
    #[arg(long, default_value = "0.0.0.0:8790", value_name = "ADDR|off")]
    screens_listen: String,
    /// Do not announce this terminal nor look for the store's others by mDNS on the LAN (they
    /// are then found by the addresses they tell the store).
    #[arg(long)]
    no_mdns: bool,
    /// Also host the store's hub here, listening on ADDR (`0.0.0.0:8788`), for a store without a
    /// hub box: a manager makes pairing codes from the sync panel.
    #[arg(long, value_name = "ADDR")]
    host_hub: Option<std::net::SocketAddr>,
    /// The hub's address people are told (default: this machine's LAN address and the port).
    #[arg(long, value_name = "URL", requires = "host_hub")]
    hub_advertise: Option<String>,
}

fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("comanda")
}

#[cfg(feature = "desktop")]
fn has_display() -> bool {
    cfg!(any(windows, target_os = "macos"))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COMANDA_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let data_dir = args.data_dir.clone().unwrap_or_else(default_data_dir);
    let ctx = Ctx::open(
        &data_dir,
        Arc::new(SystemClock),
        Arc::new(UuidV7Ids),
        !args.no_demo,
    )
    .map_err(|e| anyhow::anyhow!(e.message))
    .with_context(|| format!("opening the terminal's store in {}", data_dir.display()))?;
    tracing::info!(data_dir = %data_dir.display(), "store open");
    let listen = match args.peer_listen.as_str() {
        "off" => None,
        a => Some(
            a.parse()
                .with_context(|| format!("--peer-listen {a:?}: an address like 0.0.0.0:8789"))?,
        ),
    };
    *ctx.sync
        .peer_listen
        .lock()
        .map_err(|_| anyhow::anyhow!("sync settings poisoned"))? = comanda_api::sync::PeerListen {
        listen,
        advertise: args.peer_advertise.clone(),
        discover: listen.is_some() && !args.no_mdns,
    };
    if let Some(listen) = args.host_hub {
        let name = ctx
            .store
            .read(|r| r.settings())
            .ok()
            .flatten()
            .map_or_else(|| "Comanda store".to_owned(), |s| s.store_name);
        ctx.hosting.host(hub::open(
            &data_dir,
            listen,
            args.hub_advertise.clone(),
            &name,
        )?);
    }
    let screens = match args.screens_listen.as_str() {
        "off" => None,
        a => Some(
            a.parse()
                .with_context(|| format!("--screens-listen {a:?}: an address like 0.0.0.0:8790"))?,
        ),
    };
    #[cfg(feature = "desktop")]
    if !args.headless && has_display() {
        return desktop::run(ctx, screens);
    }
    headless::run(ctx, args.port, screens)
}
