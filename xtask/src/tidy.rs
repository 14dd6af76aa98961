//! The tidy test (rust-analyzer's `xtask/src/tidy.rs`): checks in `cargo test` what review
//! forgets. Every Rust file starts with a `//!` line; no test is ignored or skipped; every crate
//! uses the workspace lints.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::sh::root;

    fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                if !matches!(
                    name,
                    "target"
                        | "node_modules"
                        | "dist"
                        | ".git"
                        | "gen"
                        | "test-results"
                        | "playwright-report"
                ) {
                    files(&p, ext, out);
                }
            } else if ext.iter().any(|x| name.ends_with(x)) {
                out.push(p);
            }
        }
    }

    fn sources(ext: &[&str]) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for d in ["crates", "src-tauri", "xtask", "tests", "ui/src"] {
            files(&root().join(d), ext, &mut out);
        }
        out
    }

    #[test]
    fn every_rust_file_says_what_it_is_for() {
        let missing: Vec<_> = sources(&[".rs"])
            .into_iter()
            .filter(|p| {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                !text.trim_start().starts_with("//!")
            })
            .collect();
        assert!(
            missing.is_empty(),
            "these files do not start with a `//!` line: {missing:#?}"
        );
    }

    #[test]
    fn no_test_is_ignored_or_skipped() {
        let needles = [
            concat!("#[", "ignore"),
            concat!("test", ".skip("),
            concat!("it", ".skip("),
            concat!("describe", ".skip("),
            concat!("test", ".", "only("),
            concat!("it", ".", "only("),
            concat!("describe", ".", "only("),
        ];
        let mut bad = Vec::new();
        for p in sources(&[".rs", ".ts", ".js", ".mjs", ".svelte"]) {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for n in needles {
                if text.contains(n) {
                    bad.push(format!("{}: {n}", p.display()));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "ignored or skipped tests (assert today's wrong output with a FIXME instead): {bad:#?}"
        );
    }

    #[test]
    fn every_crate_uses_the_workspace_lints() {
        let mut manifests = Vec::new();
        files(&root().join("crates"), &["Cargo.toml"], &mut manifests);
        manifests.push(root().join("src-tauri/Cargo.toml"));
        manifests.push(root().join("xtask/Cargo.toml"));
        // The one exception allowed: a crate with a driver that needs `unsafe` copies the
        // workspace's lints whole, with `unsafe_code` denied instead of forbidden (so the one
        // file that needs it can allow it, conventions.md §12).
        let workspace = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
        let table = |text: &str, head: &str| -> Vec<String> {
            text.split(head)
                .nth(1)
                .unwrap_or_default()
                .lines()
                .skip(1)
                .take_while(|l| !l.trim().is_empty() && !l.starts_with('['))
                .map(str::to_owned)
                .collect()
        };
        let rust = table(&workspace, "[workspace.lints.rust]")
            .into_iter()
            .map(|l| l.replace("unsafe_code = \"forbid\"", "unsafe_code = \"deny\""))
            .collect::<Vec<_>>();
        let clippy = table(&workspace, "[workspace.lints.clippy]");
        assert!(
            !rust.is_empty() && !clippy.is_empty(),
            "workspace lints not found"
        );
        for m in manifests {
            let text = std::fs::read_to_string(&m).unwrap_or_default();
            let copied =
                table(&text, "[lints.rust]") == rust && table(&text, "[lints.clippy]") == clippy;
            assert!(
                text.contains("[lints]\nworkspace = true") || copied,
                "{} does not use the workspace lints",
                m.display()
            );
        }
    }
}
