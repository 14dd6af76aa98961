//! Every command and query, declared once: name, request, response, who may call it. From this
//! one table come [`dispatch`] (used by the Tauri shell and the HTTP server alike) and the OpenAPI
//! document ([`openapi`]), so the three can never drift apart.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
};
use utoipa::{PartialSchema, ToSchema};

use crate::audit::{AuditList, ListApprovals};
use crate::catalog::{self, Empty};
use crate::ctx::Ctx;
use crate::drawer::{DrawerView, OpenDrawer};
use crate::employees::{EmployeeList, SaveEmployee, StaffNames};
use crate::error::{ApiError, ErrorCode};
use crate::hosting::{PairHosted, PairingCodeView};
use crate::issues::{AcceptDeferred, ListSyncIssues, ReviewRefused, SyncIssues};
use crate::kitchen::{KitchenBoard, KitchenBoardRequest, KitchenStepRequest, KitchenTicketView};
use crate::kitchen_report::{KitchenReport, KitchenReportRequest};
use crate::kitchen_targets::{KitchenTargets, SaveKitchenTargets};
use crate::orders::*;
use crate::printers::{
    CheckPrinter, ConfirmPrinted, ListPrintQueue, PrintJobView, PrintQueue, PrinterList,
    ReprintJob, RetryPrinter, SavePrinter, TestPrint, TestPrintResult,
};
use crate::printing::LiveStatus;
use crate::receipts::PrintReceipt;
use crate::screens::{ListScreens, MakeScreenCode, RevokeScreen, ScreenCodeView, ScreenList};
use crate::session::{self, Login, Session};
use crate::setup::FirstManager;
use crate::sync::PairTerminal;
use crate::views::{BootstrapView, OrderSummaryView, OrderView, SessionView, TerminalView};

/// A list of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[ts(export, export_to = "bindings/")]
pub struct OrderList {
    /// The orders, newest first.
    pub orders: Vec<OrderSummaryView>,
}

/// Who may call a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone who can reach the terminal (the sign-in screen needs these).
    Public,
    /// A signed-in employee.
    Session,
}

/// One command of the table.
#[derive(Debug, Clone, Copy)]
pub struct CommandInfo {
    /// Its name: `POST /api/<name>`, `invoke("api", {name})`.
    pub name: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// Who may call it.
    pub access: Access,
}

fn parse<T: for<'de> Deserialize<'de>>(body: Value) -> Result<T, ApiError> {
    // Every request is an object. serde would also take an array for a struct (`[]` as an
    // empty request, `["…"]` as its fields in order), which no client means to send.
    if !body.is_object() {
        return Err(ApiError::new(
            ErrorCode::MalformedRequest,
            "The request must be a JSON object.",
        ));
    }
    // The path of the field serde choked on (`qty`, `method.tendered`) goes into `field`, so the
    // UI can show the message next to it.
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let err = ApiError::new(
            ErrorCode::MalformedRequest,
            format!("The request does not fit this call: {}.", e.inner()),
        );
        if path.is_empty() || path == "." {
            err
        } else {
            err.on(&path)
        }
    })
}

/// An answer as JSON text, written straight from the typed view (no `Value` tree in between:
/// a 500-line order's view is ~300 KB of JSON).
fn out<T: Serialize>(v: Result<T, ApiError>) -> Result<Box<RawValue>, ApiError> {
    v.and_then(|v| {
        serde_json::to_string(&v)
            .and_then(RawValue::from_string)
            .map_err(|e| ApiError::internal(&e))
    })
}

fn session_of(ctx: &Ctx, token: Option<&str>) -> Result<Session, ApiError> {
    token
        .ok_or_else(session::unauthorized)
        .and_then(|t| ctx.session(t))
}

fn bootstrap(ctx: &Ctx, _: Empty) -> Result<BootstrapView, ApiError> {
    catalog::get_bootstrap(ctx)
}
fn status(ctx: &Ctx, _: Empty) -> Result<TerminalView, ApiError> {
    catalog::get_status(ctx)
}
fn logout(ctx: &Ctx, s: &Session, _: Empty) -> Result<Empty, ApiError> {
    session::logout(ctx, s).map(|()| Empty {})
}
fn orders(ctx: &Ctx, s: &Session, req: ListOrders) -> Result<OrderList, ApiError> {
    list_orders(ctx, s, req).map(|orders| OrderList { orders })
}

macro_rules! commands {
    ($( $(#[doc = $doc:literal])+ $access:ident $name:ident($req:ty) -> $resp:ty = $f:expr; )*) => {
        /// Every command, in the order of the table.
        pub const COMMANDS: &[CommandInfo] = &[$(CommandInfo {
            name: stringify!($name),
            doc: concat!($($doc),+),
            access: Access::$access,
        }),*];

        /// Runs a command by name with a JSON body and answers JSON text: the one entry point of
        /// every transport (the HTTP server and the window send the text as it is). Runs in a
        /// `command` span (the name only: bodies and tokens may hold PINs); refusals are logged
        /// at debug, failures inside at error (by `ApiError::internal`).
        pub fn dispatch_raw(ctx: &Ctx, name: &str, token: Option<&str>, body: Value) -> Result<Box<RawValue>, ApiError> {
            let _span = tracing::info_span!("command", name).entered();
            let out = match name {
                $(stringify!($name) => commands!(@call $access, ctx, token, body, $req, $f),)*
                _ => Err(ApiError::not_found(format!("There is no call named {name:?}."))),
            };
            if let Err(e) = &out {
                tracing::debug!(code = ?e.code, message = %e.message, "refused");
            }
            out
        }

        fn add_paths(paths: PathsBuilder, components: ComponentsBuilder) -> (PathsBuilder, ComponentsBuilder) {
            let (mut paths, mut components) = (paths, components);
            $(
                let mut nested = Vec::new();
                <$req as ToSchema>::schemas(&mut nested);
                <$resp as ToSchema>::schemas(&mut nested);
                components = components
                    .schema(<$req as ToSchema>::name(), <$req as PartialSchema>::schema())
                    .schema(<$resp as ToSchema>::name(), <$resp as PartialSchema>::schema())
                    .schemas_from_iter(nested);
                paths = paths.path(
                    concat!("/api/", stringify!($name)),
                    PathItem::new(HttpMethod::Post, operation(
                        stringify!($name),
                        concat!($($doc),+),
                        Access::$access,
                        &<$req as ToSchema>::name(),
                        &<$resp as ToSchema>::name(),
                        // A call whose request may be `{}` may be sent with no body at all
                        // (the server reads none as `{}`): the document says it is optional.
                        serde_json::from_value::<$req>(Value::Object(Default::default())).is_err(),
                    )),
                );
            )*
            (paths, components)
        }
    };
    (@call Public, $ctx:ident, $token:ident, $body:ident, $req:ty, $f:expr) => {{
        let _ = $token;
        let req: $req = parse($body)?;
        out($f($ctx, req))
    }};
    (@call Session, $ctx:ident, $token:ident, $body:ident, $req:ty, $f:expr) => {{
        let s = session_of($ctx, $token)?;
        let req: $req = parse($body)?;
        out($f($ctx, &s, req))
    }};
}

commands! {
    /// The terminal, its sync badge and the menu: what the counter needs to start.
    Public get_bootstrap(Empty) -> BootstrapView = bootstrap;
    /// The terminal and its sync badge.
    Public get_status(Empty) -> TerminalView = status;
    /// Sign in with a PIN (and, when a PIN is shared, the name picked); returns the session token.
    Public login(Login) -> SessionView = session::login;
    /// The active staff's names, for signing in by name when a PIN is shared.
    Public list_staff_names(Empty) -> StaffNames = crate::employees::list_staff_names;
    /// Sign out.
    Session logout(Empty) -> Empty = logout;
    /// Orders by status, newest first.
    Session list_orders(ListOrders) -> OrderList = orders;
    /// One order, whole.
    Session get_order(GetOrder) -> OrderView = get_order;
    /// Open an order at a table, to take away, or on a tab.
    Session open_order(OpenOrder) -> OrderView = open_order;
    /// Add an item, with its modifiers checked against the menu's rules.
    Session add_line(AddLine) -> OrderView = add_line;
    /// Add one of the item a scanner read.
    Session add_by_barcode(AddByBarcode) -> OrderView = add_by_barcode;
    /// Change a line's quantity, modifiers, note, seat or course.
    Session change_line(ChangeLine) -> OrderView = change_line;
    /// Void a line (a manager's PIN when it was already sent).
    Session void_line(VoidLine) -> OrderView = void_line;
    /// Send new lines to the kitchen.
    Session fire_order(FireOrder) -> OrderView = fire_order;
    /// Set or clear the order's note.
    Session set_order_note(SetOrderNote) -> OrderView = set_order_note;
    /// Move to another table, or rename a tab or takeaway.
    Session change_order_type(ChangeOrderType) -> OrderView = change_order_type;
    /// Apply a discount (a manager's PIN above the cashier's limit).
    Session apply_discount(ApplyDiscount) -> OrderView = apply_discount;
    /// Remove a discount.
    Session remove_discount(RemoveDiscount) -> OrderView = remove_discount;
    /// Record a cash or card payment; closes the order when the balance reaches zero.
    Session record_payment(RecordPayment) -> OrderView = record_payment;
    /// Void a payment on an open order (a manager's PIN).
    Session void_payment(VoidPayment) -> OrderView = void_payment;
    /// Give money back against a payment, when the order owes it (a manager's PIN).
    Session refund_payment(RefundPayment) -> OrderView = refund_payment;
    /// Settle refunds that came to more than their payment: recovered or written off (a manager's PIN).
    Session accept_over_refund(AcceptOverRefund) -> OrderView = accept_over_refund;
    /// Close an order whose balance is zero.
    Session close_order(CloseOrder) -> OrderView = close_order;
    /// Cancel an order (a manager's PIN when lines were sent).
    Session cancel_order(CancelOrder) -> OrderView = cancel_order;
    /// Confirm a cancel the kitchen had already started on: its lines are waste (a manager's PIN).
    Session confirm_cancel(ConfirmCancel) -> OrderView = confirm_cancel;
    /// Reopen a closed or cancelled order (a manager's PIN).
    Session reopen_order(ReopenOrder) -> OrderView = reopen_order;
    /// Who approved what, across the store, newest first (managers only).
    Session list_approvals(ListApprovals) -> AuditList = crate::audit::list_approvals;
    /// The staff list: names and roles.
    Session list_employees(Empty) -> EmployeeList = crate::employees::list_employees;
    /// Add or change an employee and their PIN (a manager's PIN).
    Session save_employee(SaveEmployee) -> EmployeeList = crate::employees::save_employee;
    /// The store's printers, and every kitchen station with the printer of its tickets (or none).
    Session list_printers(Empty) -> PrinterList = crate::printers::list_printers;
    /// Add or change a printer plugged into this terminal (a manager's PIN).
    Session save_printer(SavePrinter) -> PrinterList = crate::printers::save_printer;
    /// This terminal's print queue, with the reason for anything stuck.
    Session print_queue(ListPrintQueue) -> PrintQueue = crate::printers::print_queue;
    /// Print an ended ticket again, marked REPRINT.
    Session reprint_job(ReprintJob) -> PrintQueue = crate::printers::reprint_job;
    /// Print a test page now on a printer plugged into this terminal.
    Session test_print(TestPrint) -> TestPrintResult = crate::printers::test_print;
    /// Ask a printer plugged into this terminal for its state now.
    Session check_printer(CheckPrinter) -> LiveStatus = crate::printers::check_printer;
    /// A ticket or receipt that may not have printed did (a person saw it): it ends printed.
    Session confirm_printed(ConfirmPrinted) -> PrintQueue = crate::printers::confirm_printed;
    /// Try a printer of this terminal again now, without waiting out its pause.
    Session retry_printer(RetryPrinter) -> PrinterList = crate::printers::retry_printer;
    /// Print an order's receipt on this terminal's receipt printer (REPRINT when it had one).
    Session print_receipt(PrintReceipt) -> PrintJobView = crate::receipts::print_receipt;
    /// Open the cash drawer without a sale, with a reason (a manager's PIN).
    Session open_drawer(OpenDrawer) -> DrawerView = crate::drawer::open_drawer;
    /// This terminal's cash drawer: open or shut, a kick waiting, its last opening.
    Session drawer_status(Empty) -> DrawerView = crate::drawer::drawer_status;
    /// The kitchen's tickets: open ones oldest first, the last done for a recall, all-day counts.
    Session kitchen_board(KitchenBoardRequest) -> KitchenBoard = crate::kitchen::kitchen_board;
    /// A cook starts, bumps, recalls or rushes a kitchen ticket (or bumps or recalls one item).
    Session kitchen_step(KitchenStepRequest) -> KitchenTicketView = crate::kitchen::kitchen_step;
    /// The kitchen's age targets per station (when a ticket turns to warning, then LATE).
    Session kitchen_targets(Empty) -> KitchenTargets = crate::kitchen_targets::kitchen_targets;
    /// The kitchen's ticket times over a period, per station and per item (a manager's PIN).
    Session kitchen_report(KitchenReportRequest) -> KitchenReport = crate::kitchen_report::kitchen_report;
    /// A one-time code to pair a browser on the LAN as a kitchen screen (a manager's PIN).
    Session make_screen_code(MakeScreenCode) -> ScreenCodeView = crate::screens::make_screen_code;
    /// The kitchen screens paired with this terminal (managers only).
    Session list_screens(ListScreens) -> ScreenList = crate::screens::list_screens;
    /// Unpair a kitchen screen: its token opens nothing more (a manager's PIN).
    Session revoke_screen(RevokeScreen) -> ScreenList = crate::screens::revoke_screen;
    /// Set the kitchen's age targets for the whole store (a manager's PIN).
    Session save_kitchen_targets(SaveKitchenTargets) -> KitchenTargets = crate::kitchen_targets::save_kitchen_targets;
    /// What sync could not settle alone: refused events, events put aside, events from a newer version, orders with conflicts (managers only).
    Session list_sync_issues(ListSyncIssues) -> SyncIssues = crate::issues::list_sync_issues;
    /// Take in the events put aside for a clock running ahead (a manager's PIN).
    Session accept_deferred(AcceptDeferred) -> SyncIssues = crate::issues::accept_deferred;
    /// Mark a refused event as looked at, with a note (a manager's PIN).
    Session review_refused(ReviewRefused) -> SyncIssues = crate::issues::review_refused;
    /// Pair this terminal with a store through its hub, with a one-time code (a manager).
    Session pair_terminal(PairTerminal) -> TerminalView = crate::sync::pair_terminal;
    /// Pair this terminal with the hub it hosts, with a code made in-process (a manager).
    Session pair_with_hosted_hub(PairHosted) -> TerminalView = crate::hosting::pair_with_hosted_hub;
    /// A one-time pairing code for the store's hub this terminal hosts (a manager).
    Session make_pairing_code(Empty) -> PairingCodeView = crate::hosting::make_pairing_code;
    /// First run without staff: pair this terminal with a store on the pairing code alone.
    Public setup_pair(PairTerminal) -> TerminalView = crate::setup::setup_pair;
    /// First run without staff: start a store here with its first manager, signed in at once.
    Public create_first_manager(FirstManager) -> SessionView = crate::setup::create_first_manager;
}

/// [`dispatch_raw`], with the answer as a `serde_json::Value` (for tests and tools that look
/// inside it).
pub fn dispatch(
    ctx: &Ctx,
    name: &str,
    token: Option<&str>,
    body: Value,
) -> Result<Value, ApiError> {
    let raw = dispatch_raw(ctx, name, token, body)?;
    serde_json::from_str(raw.get()).map_err(|e| ApiError::internal(&e))
}

fn schema_ref(name: &str) -> Ref {
    Ref::from_schema_name(name)
}

fn operation(
    name: &str,
    doc: &str,
    access: Access,
    req: &str,
    resp: &str,
    body_required: bool,
) -> utoipa::openapi::path::Operation {
    let json = |n: &str| ContentBuilder::new().schema(Some(schema_ref(n))).build();
    let error = |d: &str| {
        ResponseBuilder::new()
            .description(d)
            .content("application/json", json("ApiError"))
            .build()
    };
    let mut op = OperationBuilder::new()
        .operation_id(Some(name))
        .summary(Some(doc))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(req))
                .required(Some(if body_required {
                    utoipa::openapi::Required::True
                } else {
                    utoipa::openapi::Required::False
                }))
                .build(),
        ))
        .responses(
            ResponsesBuilder::new()
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("Done")
                        .content("application/json", json(resp))
                        .build(),
                )
                .response("400", error("Invalid or malformed request"))
                .response("401", error("Not signed in"))
                .response("403", error("Needs a manager's approval, or not allowed"))
                .response("404", error("Not found"))
                .response("409", error("Refused in the current state"))
                .response("413", error("Body too large"))
                .response("415", error("Body is not JSON"))
                .build(),
        );
    if access == Access::Session {
        op = op.security(SecurityRequirement::new("session", Vec::<String>::new()));
    }
    op.build()
}

/// The OpenAPI document of the HTTP API, built from the command table.
pub fn openapi() -> OpenApi {
    let components = ComponentsBuilder::new()
        .schema(
            <ApiError as ToSchema>::name(),
            <ApiError as PartialSchema>::schema(),
        )
        .schema(
            <ErrorCode as ToSchema>::name(),
            <ErrorCode as PartialSchema>::schema(),
        )
        .security_scheme(
            "session",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    let (paths, components) = add_paths(PathsBuilder::new(), components);
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Comanda terminal API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Every call is POST /api/<name> with a JSON body; errors are {code, message, field}. Changes stream on the WebSocket /api/ws?token=…"))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}
