//! Serves the API (and, with `--ui DIR`, the built UI) on 127.0.0.1 for UI development:
//! `cargo run -p comanda-api --example serve -- --port 8787 --data-dir /tmp/comanda-dev [--ui ui/dist]`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use comanda_api::http::{Assets, router, serve};
use comanda_api::system::{SystemClock, UuidV7Ids};

struct Dir(PathBuf);

impl Assets for Dir {
    fn get(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if path.split('/').any(|p| p == "..") {
            return None;
        }
        std::fs::read(self.0.join(path)).ok().map(Cow::Owned)
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = arg(&args, "--port")
        .unwrap_or_else(|| "8787".into())
        .parse()?;
    let dir = PathBuf::from(arg(&args, "--data-dir").unwrap_or_else(|| "/tmp/comanda-dev".into()));
    let assets = arg(&args, "--ui").map(|d| Arc::new(Dir(PathBuf::from(d))) as Arc<dyn Assets>);
    let ctx = comanda_api::Ctx::open(&dir, Arc::new(SystemClock), Arc::new(UuidV7Ids), true)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "serving on http://127.0.0.1:{}",
        listener.local_addr()?.port()
    );
    serve(listener, router(ctx, assets), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
