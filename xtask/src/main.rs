//! Project automation, in Rust so it needs nothing but cargo (rust-analyzer's xtask pattern):
//! `cargo xtask run` installs what the app needs and starts it; `cargo xtask test` runs every
//! check CI runs; `cargo xtask bench` measures the quality-bar figures.

mod bench;
mod sh;
mod tidy;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [--release] [--headless] [--port N] [--data-dir DIR]
                 install missing system packages and UI dependencies, build, start the app
                 (with no display it starts headless and prints the URL)
  test           install what tests need; fmt, clippy, Rust tests, stale TypeScript bindings,
                 library docs, UI type check and unit tests, end-to-end tests in headless Chromium
  bench          measure the quality-bar figures (release build) and print them
  soak [--seconds N] [--from SEED]
                 run simulation seeds on every core (release build) and print seeds/s
  ui             install UI dependencies and build ui/dist";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        println!("{USAGE}");
        return Ok(());
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => run(rest),
        "test" => test(rest),
        "bench" => bench::bench(rest),
        "soak" => {
            let mut args = vec![
                "run",
                "--release",
                "-p",
                "comanda-testkit",
                "--bin",
                "soak",
                "--",
            ];
            args.extend(rest.iter().map(String::as_str));
            sh::run("cargo", &args, &[])
        }
        "ui" => {
            sh::ensure_node()?;
            ui_build()
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}

/// System packages the desktop app needs to build (Tauri 2 on Debian/Ubuntu).
pub const APP_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
];

/// Installs the UI's npm dependencies (when the lock changed) and builds `ui/dist`.
pub fn ui_build() -> Result<()> {
    sh::npm_ci("ui")?;
    sh::step("build the UI", || {
        sh::run("npm", &["--prefix", "ui", "run", "build"], &[])
    })
}

fn run(rest: &[String]) -> Result<()> {
    let release = rest.iter().any(|a| a == "--release");
    let app_args: Vec<String> = rest.iter().filter(|a| *a != "--release").cloned().collect();
    sh::ensure_apt(APP_PACKAGES)?;
    sh::ensure_node()?;
    ui_build()?;
    let mut build = vec!["build", "-p", "comanda-desktop"];
    if release {
        build.push("--release");
    }
    sh::step("build the app", || sh::run("cargo", &build, &[]))?;
    let bin = sh::target_dir()?
        .join(if release { "release" } else { "debug" })
        .join("comanda");
    let mut args: Vec<&str> = app_args.iter().map(String::as_str).collect();
    if !sh::has_display() && !args.contains(&"--headless") {
        println!("no display found: starting headless; open the printed address in a browser");
        args.push("--headless");
    }
    println!("demo PINs: Alex 1111 (cashier), Sam 2222 (cashier), Morgan 9999 (manager)");
    sh::run(bin.to_str().unwrap_or("comanda"), &args, &[])
}

fn test(_rest: &[String]) -> Result<()> {
    let mut pkgs = APP_PACKAGES.to_vec();
    pkgs.extend(["chromium", "git", "python3"]);
    sh::ensure_apt(&pkgs)?;
    sh::ensure_node()?;
    ui_build()?;
    sh::step("cargo fmt --check", || {
        sh::run("cargo", &["fmt", "--all", "--check"], &[])
    })?;
    sh::step("clippy", || {
        sh::run(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    let refs = sh::ensure_printer_refs()?;
    let (emupos, python) = (refs.join("bin/emupos"), refs.join("bin/python"));
    sh::step("Rust tests", || {
        sh::run(
            "cargo",
            &["test", "--workspace", "--no-fail-fast"],
            &[
                ("INSTA_UPDATE", "no"),
                ("COMANDA_EMUPOS", emupos.to_str().unwrap_or("emupos")),
                ("COMANDA_PYTHON", python.to_str().unwrap_or("python3")),
            ],
        )
    })?;
    sh::step("TypeScript bindings are fresh", sh::bindings_fresh)?;
    sh::step("library docs build without warnings", || {
        sh::run(
            "cargo",
            &[
                "doc",
                "--no-deps",
                "-p",
                "comanda-domain",
                "-p",
                "comanda-store",
                "-p",
                "comanda-api",
                "-p",
                "comanda-sync",
                "-p",
                "comanda-testkit",
                "-p",
                "comanda-server",
                "-p",
                "comanda-print",
            ],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )
    })?;
    sh::step("UI type check", || {
        sh::run("npm", &["--prefix", "ui", "run", "check"], &[])
    })?;
    sh::step("UI unit tests", || {
        sh::run("npm", &["--prefix", "ui", "test"], &[])
    })?;
    sh::step(
        "build the headless app and the hub for end-to-end tests",
        || {
            sh::run(
                "cargo",
                &["build", "-p", "comanda-desktop", "-p", "comanda-server"],
                &[],
            )
        },
    )?;
    let bin = sh::target_dir()?.join("debug").join("comanda");
    let server_bin = sh::target_dir()?.join("debug").join("comanda-server");
    sh::npm_ci("tests/e2e")?;
    sh::step("end-to-end tests (Playwright, Debian's chromium)", || {
        sh::run(
            "npm",
            &["--prefix", "tests/e2e", "test"],
            &[
                ("COMANDA_BIN", bin.to_str().unwrap_or("comanda")),
                (
                    "COMANDA_SERVER_BIN",
                    server_bin.to_str().unwrap_or("comanda-server"),
                ),
                ("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
            ],
        )
    })?;
    println!("\nall checks passed");
    Ok(())
}
