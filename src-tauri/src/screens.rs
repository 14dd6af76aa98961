//! The kitchen screens' server on the LAN (`--screens-listen`), beside the terminal's own: the
//! board and the UI for browsers a manager pairs as kitchen screens (`comanda_api::screens`).
//! A port that cannot be bound is said in the log and the terminal goes on without screens.

use std::sync::Arc;

use comanda_api::Ctx;

use crate::assets::Embedded;

/// Binds and serves until `shutdown`; none when no address is given or it cannot be bound.
pub async fn serve(
    ctx: &Ctx,
    listen: Option<std::net::SocketAddr>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Option<tokio::task::JoinHandle<()>> {
    let listen = listen?;
    let (listener, url) = match comanda_api::screens::bind(ctx, listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(%listen, error = %e, "kitchen screens not served: the port cannot be bound");
            return None;
        }
    };
    println!("Kitchen screens at {url}");
    let router = comanda_api::http::screens_router(ctx.clone(), Some(Arc::new(Embedded)));
    Some(tokio::spawn(async move {
        if let Err(e) = comanda_api::http::serve(listener, router, shutdown).await {
            tracing::warn!(error = %e, "the kitchen screens' server stopped");
        }
    }))
}
