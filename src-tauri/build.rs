//! Builds the Tauri context from the root `tauri.conf.json` (the design card keeps it there).

fn main() {
    let dist = std::path::Path::new("../ui/dist/index.html");
    if !dist.exists() {
        println!(
            "cargo::error=the UI is not built: run `cargo xtask ui` (or `npm --prefix ui ci && npm --prefix ui run build`) first"
        );
        return;
    }
    println!("cargo::rerun-if-changed=../ui/dist");
    println!("cargo::rerun-if-changed=../tauri.conf.json");
    #[cfg(feature = "desktop")]
    if let Err(e) =
        tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
    {
        println!("cargo::error=tauri build failed: {e:#}");
    }
}
