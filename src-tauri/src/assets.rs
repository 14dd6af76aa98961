//! The UI's built files (`ui/dist`), embedded in release builds and read from disk in debug
//! builds, served to browsers in headless mode.

use std::borrow::Cow;

use comanda_api::http::Assets;

#[derive(rust_embed::RustEmbed)]
#[folder = "../ui/dist"]
struct Dist;

/// The embedded UI.
pub struct Embedded;

impl Assets for Embedded {
    fn get(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        Dist::get(path).map(|f| f.data)
    }
}
