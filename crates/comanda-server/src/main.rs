//! The `comanda-server` binary: `serve` the hub, or administer it (`admin create-store`,
//! `pair-code`, `devices`, `revoke`) on its data directory.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use comanda_domain::ids::{DeviceId, StoreId};
use comanda_server::Hub;
use comanda_store::system::{SystemClock, UuidV7Ids};

/// Comanda's always-on node: the store hub.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves the hub until SIGTERM or Ctrl-C.
    Serve {
        /// Where the hub keeps its databases.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        /// The address to listen on, over TLS (the store's LAN address, or 127.0.0.1 for tests).
        #[arg(long, default_value = "0.0.0.0:8788")]
        listen: SocketAddr,
    },
    /// Administers the hub's stores and devices.
    Admin {
        /// Where the hub keeps its databases.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        #[command(subcommand)]
        action: Admin,
    },
}

#[derive(Debug, Subcommand)]
enum Admin {
    /// Creates a store and prints its id.
    CreateStore {
        /// Its name ("Bistro Centro").
        #[arg(long)]
        name: String,
    },
    /// Lists the stores.
    Stores,
    /// Makes a one-time pairing code for a store.
    PairCode {
        /// The store (its id; may be left out when the hub serves one store).
        #[arg(long)]
        store: Option<StoreId>,
        /// How long the code lasts, in minutes.
        #[arg(long, default_value_t = 15)]
        minutes: u64,
    },
    /// Lists the paired devices.
    Devices {
        /// Only this store's.
        #[arg(long)]
        store: Option<StoreId>,
    },
    /// Prints the SHA-256 fingerprint of the hub's TLS certificate (what terminals pin when
    /// they pair; compare it with a terminal's Settings › Sync).
    Fingerprint,
    /// Revokes a device: its token opens nothing from now on.
    Revoke {
        /// The device.
        #[arg(long)]
        device: DeviceId,
    },
}

fn open(data_dir: &std::path::Path) -> anyhow::Result<Hub> {
    Hub::open(data_dir, Arc::new(SystemClock), Arc::new(UuidV7Ids))
        .with_context(|| format!("opening the hub in {}", data_dir.display()))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    comanda_sync::tls::install_default_provider();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COMANDA_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match args.command {
        Command::Serve { data_dir, listen } => serve(&data_dir, listen),
        Command::Admin { data_dir, action } => admin(&open(&data_dir)?, action),
    }
}

fn admin(hub: &Hub, action: Admin) -> anyhow::Result<()> {
    match action {
        Admin::CreateStore { name } => {
            let s = hub.create_store(&name)?;
            println!("{}", s.store_id);
        }
        Admin::Stores => {
            for s in hub.stores()? {
                println!("{}\t{}", s.store_id, s.name);
            }
        }
        Admin::PairCode { store, minutes } => {
            let store = match store {
                Some(s) => s,
                None => match hub.stores()?.as_slice() {
                    [only] => only.store_id,
                    [] => anyhow::bail!("no store yet: run `admin create-store --name …` first"),
                    _ => anyhow::bail!("this hub serves several stores: say which with --store"),
                },
            };
            let code = hub.make_code(store, minutes.saturating_mul(60_000))?;
            println!("{code}");
        }
        Admin::Devices { store } => {
            for d in hub.devices(store)? {
                let state = if d.revoked_ms.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\tterminal {}\t{}\t{state}\tcertificate {}",
                    d.device_id,
                    d.store_id,
                    d.terminal_no,
                    d.name,
                    d.cert_fingerprint.as_deref().unwrap_or("none")
                );
            }
        }
        Admin::Fingerprint => println!("{}", hub.identity().fingerprint()),
        Admin::Revoke { device } => {
            hub.revoke(device)?;
            println!("revoked {device}");
        }
    }
    Ok(())
}

fn serve(data_dir: &std::path::Path, listen: SocketAddr) -> anyhow::Result<()> {
    let hub = Arc::new(open(data_dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let addr = listener.local_addr()?;
        // The address on stdout, for scripts and tests that asked for port 0.
        println!("listening on https://{addr}");
        let fingerprint = hub.identity().fingerprint();
        tracing::info!(%addr, data_dir = %data_dir.display(), certificate = %fingerprint, "hub serving");
        let (closing, identity) = (hub.clone(), hub.identity().clone());
        comanda_sync::tls::serve(
            listener,
            &identity,
            comanda_server::routes::router(hub),
            async move {
                shutdown().await;
                closing.close_watches();
            },
        )
        .await
        .context("serving")?;
        tracing::info!("hub stopped");
        Ok(())
    })
}

/// Resolves on SIGTERM or Ctrl-C: the server stops taking connections, finishes the requests in
/// flight (each exchange is one transaction, committed or not), then the stores close.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
