//! Comanda's application layer, free of Tauri: every command and query is a plain function over a
//! [`Ctx`] and a [`Session`], returning a view or an [`ApiError`] (`{code, message, field}`).
//!
//! The desktop shell wraps each in a one-line Tauri command; [`http`] serves the same functions as
//! `POST /api/<name>` with an OpenAPI document and a WebSocket of [`bus::Change`]s.
//!
//! **API boundary:** nothing above this crate sees a domain type it could misuse: requests are
//! parsed into domain newtypes here (parse, don't validate), and responses are [`views`].

pub mod audit;
pub mod bus;
pub mod catalog;
pub mod commands;
pub mod ctx;
pub mod discovery;
pub mod drawer;
pub mod employees;
pub mod error;
pub mod hosting;
pub mod http;
pub mod input;
pub mod issues;
pub mod kitchen;
pub mod kitchen_report;
pub mod kitchen_targets;
pub mod limits;
pub mod orders;
pub mod printers;
pub mod printing;
pub mod receipts;
pub mod runtime;
pub mod screens;
pub mod seed;
pub mod session;
pub mod setup;
pub mod shapes;
pub mod sync;
pub mod system;
pub mod views;

pub use ctx::Ctx;
pub use error::{ApiError, ErrorCode};
pub use session::Session;
