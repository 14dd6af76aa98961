//! `cargo xtask bench`: builds the benchmarks in release mode and prints the quality-bar figures
//! beside their same-run references; `--write` also rewrites `BENCHMARKS.md`.
//!
//! The measuring is done by `bench/src/main.rs` (it links the real crates and
//! prints one JSON line per figure); this file builds what it needs (the UI, the release app),
//! runs it, and turns its lines into the report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::sh;

const USAGE: &str = "usage: cargo xtask bench [--write] [--only commit,read,size,print,project,sync,ingest,live,kitchen,start] [--quick]

  --write   rewrite BENCHMARKS.md with the figures, the command and the machine
  --only    measure only these groups (the report then holds only them)
  --quick   the sync scenario with 1,000 orders and one run of each peer (a check, not a figure)";

/// The line in BENCHMARKS.md from which everything is kept across `--write` (the explanations
/// people add for missed targets).
const KEEP_MARKER: &str = "<!-- Everything below this line is written by people and kept by `cargo xtask bench --write`. -->";

/// Builds, measures, prints the report, and with `--write` rewrites `BENCHMARKS.md`.
pub fn bench(rest: &[String]) -> Result<()> {
    let mut write = false;
    let mut quick = false;
    let mut only = None;
    let mut args = rest.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--write" => write = true,
            "--quick" => quick = true,
            "--only" => only = Some(args.next().context("--only needs a list")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    let wants = |g: &str| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == g));
    let root = sh::root();
    let work = sh::target_dir()?.join("bench");

    let mut bench_args: Vec<String> = vec!["--work-dir".into(), path_arg(&work)];
    if let Some(o) = &only {
        bench_args.extend(["--only".into(), o.clone()]);
    }
    if wants("sync") || wants("ingest") || wants("live") || wants("kitchen") {
        bench_args.extend(sync_args(&root, quick)?);
    }
    if wants("start") {
        bench_args.extend(start_args(&root)?);
    }

    let mut lines = String::new();
    sh::step("benchmarks (release build of comanda-bench)", || {
        let mut cmd = vec!["run", "--release", "-p", "comanda-bench", "--"];
        cmd.extend(bench_args.iter().map(String::as_str));
        let out = Command::new("cargo")
            .args(&cmd)
            .current_dir(&root)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .context("starting cargo")?;
        lines = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            bail!("the benchmark exited with {}", out.status);
        }
        Ok(())
    })?;
    let figures: Vec<Value> = lines
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("reading the benchmark's JSON lines")?;
    if figures.is_empty() {
        bail!("the benchmark printed no figures");
    }
    let rows: Vec<Row> = figures.iter().map(Row::from_json).collect();

    println!("\n{}", table(&rows));
    for r in &rows {
        if let Some(n) = &r.note {
            println!("- {}: {n}", r.id);
        }
    }
    let missed: Vec<&Row> = rows.iter().filter(|r| r.met == Met::No).collect();
    if !missed.is_empty() {
        println!(
            "\ntargets missed: {}",
            missed
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    if write {
        let cmd = if rest.is_empty() {
            "cargo xtask bench".to_owned()
        } else {
            format!("cargo xtask bench {}", rest.join(" "))
        };
        let path = root.join("BENCHMARKS.md");
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|old| {
                old.find(KEEP_MARKER)
                    .map(|i| old[i + KEEP_MARKER.len()..].to_owned())
            })
            .unwrap_or_else(|| {
                "\n\n## Where a target is missed, and why\n\nNothing yet.\n".to_owned()
            });
        let doc = document(&cmd, &rows, &machine(), &kept);
        std::fs::write(&path, doc).with_context(|| format!("writing {}", path.display()))?;
        println!("\nwrote {}", path.display());
    } else {
        println!("\n(nothing written; `cargo xtask bench --write` rewrites BENCHMARKS.md)");
    }
    Ok(())
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Builds the release hub; returns the sync figures' arguments (`--hub`, and `--peers` when
/// `../shared/bench-peers` is beside the checkout).
fn sync_args(root: &Path, quick: bool) -> Result<Vec<String>> {
    let built = sh::step("build the hub (release)", || {
        sh::run(
            "cargo",
            &["build", "--release", "-p", "comanda-server"],
            &[],
        )
    });
    if let Err(e) = built {
        println!("not measured: sync and ingest (the release hub did not build: {e:#})");
        return Ok(vec![]);
    }
    let hub = sh::target_dir()?.join("release").join("comanda-server");
    let mut args = vec!["--hub".to_owned(), path_arg(&hub)];
    let peers = root.join("../shared/bench-peers");
    if peers.join("run").exists() {
        args.extend(["--peers".to_owned(), path_arg(&peers)]);
    } else {
        println!(
            "{} not found: the sync figures are printed without PouchDB and Yjs",
            peers.display()
        );
    }
    if quick {
        args.extend(
            [
                "--orders",
                "1000",
                "--conflicts",
                "100",
                "--repeat",
                "1",
                "--devices",
                "20",
            ]
            .map(str::to_owned),
        );
    }
    Ok(args)
}

/// Builds the UI and the release app; returns the example's arguments for the start figures
/// (`--app`, and `--e2e` or `--no-browser <why>`).
fn start_args(root: &Path) -> Result<Vec<String>> {
    // The release binary embeds ui/dist, so the UI is built first; only when its sources changed,
    // since a rebuilt ui/dist makes cargo link the release app again (minutes).
    let ui = if ui_is_fresh(root) {
        println!("ui/dist is newer than the UI's sources: not rebuilding it");
        Ok(())
    } else {
        sh::ensure_node().and_then(|()| crate::ui_build())
    };
    if let Err(e) = &ui {
        println!("the UI did not build ({e:#}): the app is built with what ui/dist holds");
    }
    let built = sh::step("build the app (release)", || {
        sh::run(
            "cargo",
            &["build", "--release", "-p", "comanda-desktop"],
            &[],
        )
    });
    if let Err(e) = built {
        println!("not measured: app start and memory (the release app did not build: {e:#})");
        return Ok(vec![]);
    }
    let bin: PathBuf = sh::target_dir()?.join("release").join("comanda");
    let mut args = vec!["--app".to_owned(), path_arg(&bin)];
    // The terminal core alone (no window, no WebKitGTK linked), in its own target directory so
    // the two builds do not relink each other.
    let core_target = sh::target_dir()?.join("core");
    let core = sh::step(
        "build the terminal core without the window (release)",
        || {
            sh::run(
                "cargo",
                &[
                    "build",
                    "--release",
                    "-p",
                    "comanda-desktop",
                    "--no-default-features",
                    "--target-dir",
                    core_target.to_str().unwrap_or("target/core"),
                ],
                &[],
            )
        },
    );
    match core {
        Ok(()) => args.extend([
            "--core-app".to_owned(),
            path_arg(&core_target.join("release").join("comanda")),
        ]),
        Err(e) => println!("not measured: the core's memory (it did not build: {e:#})"),
    }
    let e2e = root.join("tests/e2e");
    if e2e.join("package-lock.json").exists()
        && let Err(e) = sh::npm_ci("tests/e2e")
    {
        println!("npm ci in tests/e2e failed: {e:#}");
    }
    let installed = ["playwright-core", "@playwright/test"]
        .iter()
        .any(|p| e2e.join("node_modules").join(p).exists());
    let why_not = if ui.is_err() {
        Some("the UI did not build")
    } else if !installed {
        Some("tests/e2e not installed")
    } else if !Path::new("/usr/bin/chromium").exists() {
        Some("/usr/bin/chromium is not installed")
    } else {
        None
    };
    match why_not {
        Some(why) => {
            println!("not measured: navigate → PIN pad ({why})");
            args.extend(["--no-browser".to_owned(), why.to_owned()]);
        }
        None => args.extend(["--e2e".to_owned(), path_arg(&e2e)]),
    }
    Ok(args)
}

/// The newest modification time of a file under `p` (skipping `node_modules`).
fn newest(p: &Path) -> Option<std::time::SystemTime> {
    let meta = std::fs::metadata(p).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(p)
        .ok()?
        .flatten()
        .filter(|e| e.file_name() != "node_modules")
        .filter_map(|e| newest(&e.path()))
        .max()
}

/// True when `ui/dist` was built after every source of the UI last changed.
fn ui_is_fresh(root: &Path) -> bool {
    let ui = root.join("ui");
    let Some(built) = std::fs::metadata(ui.join("dist/assets"))
        .and_then(|m| m.modified())
        .ok()
    else {
        return false;
    };
    let sources = [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "svelte.config.js",
        "tsconfig.json",
    ];
    sources
        .iter()
        .filter_map(|s| newest(&ui.join(s)))
        .all(|t| t <= built)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Met {
    Yes,
    No,
    NoTarget,
    NotMeasured,
}

/// One figure, as the report shows it.
struct Row {
    id: String,
    figure: String,
    measured: String,
    reference: String,
    ratio: String,
    target: String,
    met: Met,
    note: Option<String>,
}

fn fmt_value(v: f64, unit: &str) -> String {
    match unit {
        "ms" if v < 10.0 => format!("{v:.3} ms"),
        "ms" if v >= 10_000.0 => format!("{:.2} s", v / 1000.0),
        "ms" => format!("{v:.0} ms"),
        "s" => format!("{v:.3} s"),
        "MB" => format!("{v:.1} MB"),
        u => format!("{v} {u}"),
    }
}

impl Row {
    fn from_json(v: &Value) -> Row {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
        let unit = s("unit");
        let measured = v["measured"].as_f64().filter(|x| x.is_finite());
        let reference = v["reference"].as_f64().filter(|x| x.is_finite());
        let not_measured = v["not_measured"].as_str().map(str::to_owned);
        let ratio = match (measured, reference) {
            (Some(m), Some(r)) if r > 0.0 => Some(m / r),
            _ => None,
        };
        let met = match (measured, &not_measured) {
            (None, _) | (_, Some(_)) => Met::NotMeasured,
            (Some(m), None) => {
                let by_ratio = v["target_ratio"]
                    .as_f64()
                    .map(|t| ratio.is_some_and(|r| r <= t));
                let by_max = v["target_max"].as_f64().map(|t| m <= t);
                match (by_ratio, by_max) {
                    (None, None) => Met::NoTarget,
                    (a, b) if a.unwrap_or(true) && b.unwrap_or(true) => Met::Yes,
                    _ => Met::No,
                }
            }
        };
        let what = s("reference_what");
        Row {
            id: s("id"),
            figure: s("figure"),
            measured: match (measured, &not_measured) {
                (_, Some(why)) => why.clone(),
                (Some(m), None) => fmt_value(m, &unit),
                (None, None) => "not measured".into(),
            },
            reference: match reference {
                Some(r) => format!("{} ({what})", fmt_value(r, &unit)),
                None => format!("— ({what})"),
            },
            ratio: ratio.map_or("—".into(), |r| format!("{r:.2}×")),
            target: s("target"),
            met,
            note: v["note"].as_str().map(str::to_owned),
        }
    }
}

fn table(rows: &[Row]) -> String {
    let mut t = String::from(
        "| figure | measured | same-run reference | ratio | target | met? |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let met = match r.met {
            Met::Yes => "yes",
            Met::No => "**NO**",
            Met::NoTarget => "—",
            Met::NotMeasured => "not measured",
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {met} |",
            r.figure, r.measured, r.reference, r.ratio, r.target
        );
    }
    t
}

/// The machine, as `BENCHMARKS.md` records it.
struct Machine {
    nproc: String,
    cpu: String,
    ram: String,
    kernel: String,
    rustc: String,
    date: String,
}

fn machine() -> Machine {
    let out = |p: &str, a: &[&str]| {
        sh::output(p, a)
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| "unknown".into())
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".into());
    let ram = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
        );
    Machine {
        nproc: out("nproc", &[]),
        cpu,
        ram,
        kernel: out("uname", &["-sr"]),
        rustc: out("rustc", &["--version"]),
        date: out("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
    }
}

fn document(cmd: &str, rows: &[Row], m: &Machine, kept: &str) -> String {
    let mut d = String::new();
    let _ = writeln!(d, "# Benchmarks\n");
    let _ = writeln!(
        d,
        "The quality-bar figures (`../shared/design/quality-bar.md`, \"Speed\"), each beside a reference doing the same work \
         measured in the same run. Timings on a shared machine move from run to run: the ratio is the figure that counts. \
         The measuring code is `bench/src/main.rs`; the browser part is `tests/e2e/bench-start.mjs`.\n"
    );
    let _ = writeln!(d, "- command: `{cmd}`");
    let _ = writeln!(d, "- date: {}", m.date);
    let _ = writeln!(
        d,
        "- machine: {}, `nproc` {}, {} RAM, {}",
        m.cpu, m.nproc, m.ram, m.kernel
    );
    let _ = writeln!(d, "- compiler: {}, release profile (thin LTO)\n", m.rustc);
    let _ = writeln!(d, "{}", table(rows));
    let _ = writeln!(d, "Details:\n");
    for r in rows {
        if let Some(n) = &r.note {
            let _ = writeln!(d, "- `{}`: {n}", r.id);
        }
    }
    let _ = writeln!(d);
    d.push_str(KEEP_MARKER);
    d.push_str(kept);
    if !d.ends_with('\n') {
        d.push('\n');
    }
    d
}
