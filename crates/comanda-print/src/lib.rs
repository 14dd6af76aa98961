//! Comanda's printing, from a document to the bytes a receipt printer takes.
//!
//! - [`layout`]: a small document model (text in a few styles, an amount column, rules, a QR
//!   code, a cut), independent of any printer;
//! - [`codepage`]: the one text encoder per printer profile: every character goes out as one
//!   byte of the printer's code page, or transliterated, or `?`: UTF-8 never reaches a printer;
//! - [`render`](mod@render): a document and a printer's profile (paper width, code page) to ESC/POS bytes;
//! - [`docs`]: the documents Comanda prints: customer receipts, kitchen tickets, the drawer
//!   count slip and the test page, from plain data the caller prepared (this crate knows
//!   nothing of orders beyond what it is given to render);
//! - [`drawer`]: the cash drawer's kick;
//! - [`status`]: the printer's status requests and the parsing of its answers;
//! - [`transport`]: how bytes reach a printer (TCP 9100, serial, USB line printer, and the
//!   Windows spooler in [`spooler`], the crate's one `unsafe` file);
//! - [`job`]: one job sent with its status check and confirmation, and what became of it.
//!
//! The `escpos` crate builds the style and QR commands into our buffer; this crate never lets
//! it encode text (its fallback is raw UTF-8), kick a drawer (its kick lacks the pulse bytes)
//! or send anything (see ARCHITECTURE.md).

pub mod codepage;
pub mod docs;
pub mod drawer;
mod error;
pub mod job;
pub mod layout;
pub mod render;
pub mod spooler;
pub mod status;
pub mod transport;

pub use codepage::CodePage;
pub use error::PrintError;
pub use layout::{Align, Block, Doc, Size, Style};
pub use render::{Paper, Profile, Rendered, render};
