//! Running commands, installing system and npm packages, and finding paths, for the xtasks.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    // Where cargo runs it from first (`cargo xtask` sets it): a binary built in another
    // checkout that shares this target directory must work on this one, not on the other.
    let xtask = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|p| p.join("Cargo.toml").exists())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    xtask
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a step with a header and its duration.
#[allow(
    clippy::disallowed_methods,
    reason = "timing a build step for the person watching, not domain logic"
)]
pub fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("\n==> {name}");
    let t = Instant::now();
    let r = f().with_context(|| format!("step failed: {name}"));
    println!(
        "<== {name}: {} in {:.1} s",
        if r.is_ok() { "ok" } else { "FAILED" },
        t.elapsed().as_secs_f64()
    );
    r
}

/// Runs a program in the repository root, inheriting stdio; fails on a non-zero exit.
pub fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("{program} {} exited with {status}", args.join(" "));
    }
    Ok(())
}

/// Runs a program and returns its stdout.
pub fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .with_context(|| format!("starting {program}"))?;
    if !out.status.success() {
        bail!(
            "{program} {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when a graphical session is available.
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> Result<PathBuf> {
    let meta = output("cargo", &["metadata", "--format-version", "1", "--no-deps"])?;
    let v: serde_json::Value = serde_json::from_str(&meta)?;
    v["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata has no target_directory")
}

fn is_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    output("id", &["-u"])
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

/// Installs the Debian/Ubuntu packages that are missing (with sudo when not root).
pub fn ensure_apt(pkgs: &[&str]) -> Result<()> {
    if Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "not a Debian/Ubuntu system: make sure these are installed: {}",
            pkgs.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = pkgs.iter().copied().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(
        &format!("install system packages: {}", missing.join(" ")),
        || {
            let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
            let env = [("DEBIAN_FRONTEND", "noninteractive")];
            let mut update: Vec<&str> = sudo.to_vec();
            update.extend(["apt-get", "update", "-qq"]);
            run(update[0], &update[1..], &env)?;
            let mut install: Vec<&str> = sudo.to_vec();
            install.extend(["apt-get", "install", "-y", "-qq", "--no-install-recommends"]);
            install.extend(missing.iter().copied());
            run(install[0], &install[1..], &env)
        },
    )
}

/// Makes sure Node.js 20+ and npm are there (installing Debian's when missing).
pub fn ensure_node() -> Result<()> {
    let version = output("node", &["--version"]).ok();
    match version.as_deref().map(|v| {
        v.trim()
            .trim_start_matches('v')
            .split('.')
            .next()
            .unwrap_or("0")
            .parse::<u32>()
            .unwrap_or(0)
    }) {
        Some(v) if v >= 20 => Ok(()),
        Some(v) => bail!("Node.js {v} is too old: the UI needs Node.js 20 or newer"),
        None => {
            ensure_apt(&["nodejs", "npm"])?;
            Ok(())
        }
    }
}

/// `npm ci` in a folder, skipped when `node_modules` is newer than the lock file.
pub fn npm_ci(dir: &str) -> Result<()> {
    let root = root();
    let lock = root.join(dir).join("package-lock.json");
    let marker = root.join(dir).join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&marker).and_then(|m| m.modified()),
    ) {
        (Ok(l), Ok(m)) => m >= l,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    step(&format!("npm ci in {dir}"), || {
        run(
            "npm",
            &["ci", "--prefix", dir, "--no-audit", "--no-fund"],
            &[("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")],
        )
    })
}

/// Fails when `cargo test` regenerated TypeScript bindings that differ from the committed ones.
pub fn bindings_fresh() -> Result<()> {
    if output("git", &["rev-parse", "--is-inside-work-tree"]).is_err() {
        println!("not a git checkout: skipping the staleness check");
        return Ok(());
    }
    let status = output(
        "git",
        &["status", "--porcelain", "--", "ui/src/lib/bindings"],
    )?;
    if !status.trim().is_empty() {
        bail!(
            "the TypeScript bindings changed when the tests regenerated them; commit them:\n{status}"
        );
    }
    Ok(())
}

/// The emupos release the printer tests run against.
const EMUPOS: &str = "emupos==0.4.0";
/// The reference library the printer tests compare our bytes with.
const PYTHON_ESCPOS: &str = "python-escpos==3.1";

/// A Python of 3.13 or newer: pyenv's versions first (these machines keep them there), then
/// what is on the PATH.
fn python_313() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let roots = [
        std::env::var_os("PYENV_ROOT").map(PathBuf::from),
        home.map(|h| h.join(".pyenv")),
    ];
    for root in roots.into_iter().flatten() {
        if let Ok(entries) = std::fs::read_dir(root.join("versions")) {
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path().join("bin/python3"))
                .collect();
            found.sort();
            found.reverse();
            candidates.extend(found);
        }
    }
    candidates.extend(["python3.14", "python3.13", "python3"].map(PathBuf::from));
    candidates.into_iter().find(|p| {
        let check = "import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)";
        Command::new(p)
            .args(["-c", check])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The printer tests' third-party references in one virtual environment under
/// `~/.cache/comanda`, made on first use from a Python 3.13 or newer (emupos needs one): the
/// `emupos` emulator and the python-escpos library. Returns the environment's folder.
pub fn ensure_printer_refs() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let venv = PathBuf::from(home).join(".cache/comanda/emupos-0.4.0");
    let bin = venv.join("bin/emupos");
    let venv_python = venv.join("bin/python");
    let works = |b: &Path| {
        let emupos = Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        let escpos = Command::new(&venv_python)
            .args(["-c", "import escpos.printer"])
            .output()
            .is_ok_and(|o| o.status.success());
        emupos && escpos
    };
    if works(&bin) {
        return Ok(venv);
    }
    let python = python_313().context(
        "the printer tests run emupos, which needs Python 3.13 or newer: none was found under \
         pyenv ($PYENV_ROOT or ~/.pyenv/versions) or on the PATH; install one (for example \
         `pyenv install 3.13`) and run the tests again",
    )?;
    step(
        &format!(
            "install {EMUPOS} and {PYTHON_ESCPOS} with {}",
            python.display()
        ),
        || {
            let _ = std::fs::remove_dir_all(&venv);
            let (py, dir) = (
                python.to_str().unwrap_or("python3"),
                venv.to_str().unwrap_or_default(),
            );
            run(py, &["-m", "venv", dir], &[])?;
            let pip = venv.join("bin/pip");
            run(
                pip.to_str().unwrap_or("pip"),
                &[
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    EMUPOS,
                    PYTHON_ESCPOS,
                ],
                &[],
            )
        },
    )?;
    if !works(&bin) {
        bail!(
            "{EMUPOS} and {PYTHON_ESCPOS} were installed in {} but do not run",
            venv.display()
        );
    }
    Ok(venv)
}
