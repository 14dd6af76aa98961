//! Headless mode: the UI and API over HTTP on 127.0.0.1 (and the kitchen screens' board on the
//! LAN, `--screens-listen`), until SIGTERM or Ctrl-C.

use std::sync::Arc;

use anyhow::Context;
use comanda_api::Ctx;
use comanda_api::http::{router, serve};

use crate::assets::Embedded;

/// Serves until a signal asks to stop, then finishes the requests in flight and closes the store.
pub fn run(ctx: Ctx, port: u16, screens: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| {
                format!("listening on 127.0.0.1:{port} (is another Comanda running? try --port 0)")
            })?;
        let addr = listener.local_addr()?;
        let (stop_screens, screens_stopped) = tokio::sync::oneshot::channel::<()>();
        let screens_task = crate::screens::serve(&ctx, screens, async {
            let _ = screens_stopped.await;
        })
        .await;
        println!("Comanda is ready at http://{addr}/");
        let workers = comanda_api::runtime::start(&ctx, &tokio::runtime::Handle::current());
        serve(
            listener,
            router(ctx, Some(Arc::new(Embedded))),
            shutdown_signal(),
        )
        .await
        .context("serving HTTP")?;
        let _ = stop_screens.send(());
        if let Some(t) = screens_task {
            let _ = t.await;
        }
        workers.shutdown().await;
        tracing::info!("stopped cleanly");
        Ok(())
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}
