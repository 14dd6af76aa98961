//! Rebuilds the crate when a migration under `migrations/server/` is added or changed
//! (`include_dir!` embeds them, and cargo cannot see a new file on its own).

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/server");
}
