//! The window: state, one Tauri command delegating to `comanda-api`, and the event bus forwarded
//! to the webview as `comanda://change` events.

use comanda_api::{ApiError, Ctx};
use tauri::{Emitter, Manager, State};

/// Every API call of the UI: the same table the HTTP server serves (`comanda_api::commands`).
#[tauri::command]
async fn api(
    ctx: State<'_, Ctx>,
    name: String,
    token: Option<String>,
    args: serde_json::Value,
) -> Result<Box<serde_json::value::RawValue>, ApiError> {
    let ctx = ctx.inner().clone();
    tauri::async_runtime::spawn_blocking(move || {
        comanda_api::commands::dispatch_raw(&ctx, &name, token.as_deref(), args)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
}

/// Opens the window and runs until it is closed.
pub fn run(ctx: Ctx, screens: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    let mut changes = ctx.bus.subscribe();
    // The background workers (sync) run on Tauri's own tokio runtime, as long as the app does.
    let tauri::async_runtime::RuntimeHandle::Tokio(handle) = tauri::async_runtime::handle();
    let _workers = comanda_api::runtime::start(&ctx, &handle);
    // The kitchen screens' server runs as long as the window does.
    let screens_ctx = ctx.clone();
    handle.spawn(async move {
        if let Some(t) = crate::screens::serve(&screens_ctx, screens, std::future::pending()).await
        {
            let _ = t.await;
        }
    });
    tauri::Builder::default()
        .manage(ctx)
        .invoke_handler(tauri::generate_handler![api])
        .setup(move |app| {
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                loop {
                    let change = match changes.recv().await {
                        Ok(c) => c,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            comanda_api::bus::Change::Reload
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    };
                    let _ = handle.emit("comanda://change", change);
                }
            });
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .map_err(|e| anyhow::anyhow!("the window failed: {e}"))
}
