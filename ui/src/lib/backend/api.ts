//! Typed wrappers, one per command, over the {@link Backend}: requests and answers are the
//! generated bindings types, exactly as JSON carries them (money is integer minor units, a `number`).
import type { AcceptOverRefund } from "../bindings/AcceptOverRefund";
import type { ConfirmCancel } from "../bindings/ConfirmCancel";
import type { AcceptDeferred } from "../bindings/AcceptDeferred";
import type { ListSyncIssues } from "../bindings/ListSyncIssues";
import type { ReviewRefused } from "../bindings/ReviewRefused";
import type { SyncIssues } from "../bindings/SyncIssues";
import type { AddByBarcode } from "../bindings/AddByBarcode";
import type { AddLine } from "../bindings/AddLine";
import type { AuditList } from "../bindings/AuditList";
import type { ListApprovals } from "../bindings/ListApprovals";
import type { ApplyDiscount } from "../bindings/ApplyDiscount";
import type { BootstrapView } from "../bindings/BootstrapView";
import type { CancelOrder } from "../bindings/CancelOrder";
import type { ChangeLine } from "../bindings/ChangeLine";
import type { ChangeOrderType } from "../bindings/ChangeOrderType";
import type { CloseOrder } from "../bindings/CloseOrder";
import type { Empty } from "../bindings/Empty";
import type { FireOrder } from "../bindings/FireOrder";
import type { GetOrder } from "../bindings/GetOrder";
import type { ListOrders } from "../bindings/ListOrders";
import type { Login } from "../bindings/Login";
import type { OpenOrder } from "../bindings/OpenOrder";
import type { OrderList } from "../bindings/OrderList";
import type { OrderView } from "../bindings/OrderView";
import type { PairTerminal } from "../bindings/PairTerminal";
import type { FirstManager } from "../bindings/FirstManager";
import type { PairingCodeView } from "../bindings/PairingCodeView";
import type { PairHosted } from "../bindings/PairHosted";
import type { RecordPayment } from "../bindings/RecordPayment";
import type { RefundPayment } from "../bindings/RefundPayment";
import type { RemoveDiscount } from "../bindings/RemoveDiscount";
import type { ReopenOrder } from "../bindings/ReopenOrder";
import type { SessionView } from "../bindings/SessionView";
import type { StaffNames } from "../bindings/StaffNames";
import type { SetOrderNote } from "../bindings/SetOrderNote";
import type { TerminalView } from "../bindings/TerminalView";
import type { VoidLine } from "../bindings/VoidLine";
import type { VoidPayment } from "../bindings/VoidPayment";
import type { ListPrintQueue } from "../bindings/ListPrintQueue";
import type { PrintQueue } from "../bindings/PrintQueue";
import type { PrinterList } from "../bindings/PrinterList";
import type { ReprintJob } from "../bindings/ReprintJob";
import type { SavePrinter } from "../bindings/SavePrinter";
import type { TestPrint } from "../bindings/TestPrint";
import type { CheckPrinter } from "../bindings/CheckPrinter";
import type { KitchenBoard } from "../bindings/KitchenBoard";
import type { KitchenBoardRequest } from "../bindings/KitchenBoardRequest";
import type { KitchenStepRequest } from "../bindings/KitchenStepRequest";
import type { KitchenReport } from "../bindings/KitchenReport";
import type { ListScreens } from "../bindings/ListScreens";
import type { MakeScreenCode } from "../bindings/MakeScreenCode";
import type { RevokeScreen } from "../bindings/RevokeScreen";
import type { ScreenCodeView } from "../bindings/ScreenCodeView";
import type { ScreenList } from "../bindings/ScreenList";
import type { KitchenReportRequest } from "../bindings/KitchenReportRequest";
import type { KitchenTargets } from "../bindings/KitchenTargets";
import type { SaveKitchenTargets } from "../bindings/SaveKitchenTargets";
import type { KitchenTicketView } from "../bindings/KitchenTicketView";
import type { ConfirmPrinted } from "../bindings/ConfirmPrinted";
import type { RetryPrinter } from "../bindings/RetryPrinter";
import type { LiveStatus } from "../bindings/LiveStatus";
import type { PrintReceipt } from "../bindings/PrintReceipt";
import type { PrintJobView } from "../bindings/PrintJobView";
import type { DrawerView } from "../bindings/DrawerView";
import type { OpenDrawer } from "../bindings/OpenDrawer";
import type { TestPrintResult } from "../bindings/TestPrintResult";
import type { Backend } from "./types";

const empty: Empty = {};

/** Every command of the terminal API. */
export class Api {
  constructor(readonly backend: Backend) {}

  private order(name: string, req: object): Promise<OrderView> {
    return this.backend.call<OrderView>(name, req);
  }

  // Session and terminal
  login(req: Login): Promise<SessionView> {
    return this.backend.call<SessionView>("login", req);
  }
  listStaffNames(): Promise<StaffNames> {
    return this.backend.call<StaffNames>("list_staff_names", empty);
  }
  logout(): Promise<Empty> {
    return this.backend.call<Empty>("logout", empty);
  }
  getBootstrap(): Promise<BootstrapView> {
    return this.backend.call<BootstrapView>("get_bootstrap", empty);
  }
  getStatus(): Promise<TerminalView> {
    return this.backend.call<TerminalView>("get_status", empty);
  }
  pairTerminal(req: PairTerminal): Promise<TerminalView> {
    return this.backend.call<TerminalView>("pair_terminal", req);
  }
  /** Pairs this terminal with the hub it hosts, with a code made in-process (a manager). */
  pairWithHostedHub(req: PairHosted): Promise<TerminalView> {
    return this.backend.call<TerminalView>("pair_with_hosted_hub", req);
  }
  /** A one-time pairing code for the store's hub this terminal hosts (a manager). */
  makePairingCode(): Promise<PairingCodeView> {
    return this.backend.call<PairingCodeView>("make_pairing_code", empty);
  }
  /** First run without staff: join a store on the pairing code alone. */
  setupPair(req: PairTerminal): Promise<TerminalView> {
    return this.backend.call<TerminalView>("setup_pair", req);
  }
  /** First run without staff: start a store here with its first manager (signed in). */
  createFirstManager(req: FirstManager): Promise<SessionView> {
    return this.backend.call<SessionView>("create_first_manager", req);
  }

  // Orders
  listApprovals(req: ListApprovals): Promise<AuditList> {
    return this.backend.call<AuditList>("list_approvals", req);
  }
  // Printers
  listPrinters(): Promise<PrinterList> {
    return this.backend.call<PrinterList>("list_printers", empty);
  }
  savePrinter(req: SavePrinter): Promise<PrinterList> {
    return this.backend.call<PrinterList>("save_printer", req);
  }
  printQueue(req: ListPrintQueue): Promise<PrintQueue> {
    return this.backend.call<PrintQueue>("print_queue", req);
  }
  reprintJob(req: ReprintJob): Promise<PrintQueue> {
    return this.backend.call<PrintQueue>("reprint_job", req);
  }
  testPrint(req: TestPrint): Promise<TestPrintResult> {
    return this.backend.call<TestPrintResult>("test_print", req);
  }
  checkPrinter(req: CheckPrinter): Promise<LiveStatus> {
    return this.backend.call<LiveStatus>("check_printer", req);
  }
  kitchenBoard(req: KitchenBoardRequest): Promise<KitchenBoard> {
    return this.backend.call<KitchenBoard>("kitchen_board", req);
  }
  kitchenStep(req: KitchenStepRequest): Promise<KitchenTicketView> {
    return this.backend.call<KitchenTicketView>("kitchen_step", req);
  }
  kitchenReport(req: KitchenReportRequest): Promise<KitchenReport> {
    return this.backend.call<KitchenReport>("kitchen_report", req);
  }
  makeScreenCode(req: MakeScreenCode): Promise<ScreenCodeView> {
    return this.backend.call<ScreenCodeView>("make_screen_code", req);
  }
  listScreens(req: ListScreens): Promise<ScreenList> {
    return this.backend.call<ScreenList>("list_screens", req);
  }
  revokeScreen(req: RevokeScreen): Promise<ScreenList> {
    return this.backend.call<ScreenList>("revoke_screen", req);
  }
  kitchenTargets(): Promise<KitchenTargets> {
    return this.backend.call<KitchenTargets>("kitchen_targets", {});
  }
  saveKitchenTargets(req: SaveKitchenTargets): Promise<KitchenTargets> {
    return this.backend.call<KitchenTargets>("save_kitchen_targets", req);
  }
  confirmPrinted(req: ConfirmPrinted): Promise<PrintQueue> {
    return this.backend.call<PrintQueue>("confirm_printed", req);
  }
  retryPrinter(req: RetryPrinter): Promise<PrinterList> {
    return this.backend.call<PrinterList>("retry_printer", req);
  }
  printReceipt(req: PrintReceipt): Promise<PrintJobView> {
    return this.backend.call<PrintJobView>("print_receipt", req);
  }
  // The cash drawer
  drawerStatus(): Promise<DrawerView> {
    return this.backend.call<DrawerView>("drawer_status", empty);
  }
  openDrawer(req: OpenDrawer): Promise<DrawerView> {
    return this.backend.call<DrawerView>("open_drawer", req);
  }
  listSyncIssues(req: ListSyncIssues): Promise<SyncIssues> {
    return this.backend.call<SyncIssues>("list_sync_issues", req);
  }
  acceptDeferred(req: AcceptDeferred): Promise<SyncIssues> {
    return this.backend.call<SyncIssues>("accept_deferred", req);
  }
  reviewRefused(req: ReviewRefused): Promise<SyncIssues> {
    return this.backend.call<SyncIssues>("review_refused", req);
  }
  listOrders(req: ListOrders): Promise<OrderList> {
    return this.backend.call<OrderList>("list_orders", req);
  }
  getOrder(req: GetOrder): Promise<OrderView> {
    return this.order("get_order", req);
  }
  openOrder(req: OpenOrder): Promise<OrderView> {
    return this.order("open_order", req);
  }
  addLine(req: AddLine): Promise<OrderView> {
    return this.order("add_line", req);
  }
  addByBarcode(req: AddByBarcode): Promise<OrderView> {
    return this.order("add_by_barcode", req);
  }
  changeLine(req: ChangeLine): Promise<OrderView> {
    return this.order("change_line", req);
  }
  voidLine(req: VoidLine): Promise<OrderView> {
    return this.order("void_line", req);
  }
  fireOrder(req: FireOrder): Promise<OrderView> {
    return this.order("fire_order", req);
  }
  applyDiscount(req: ApplyDiscount): Promise<OrderView> {
    return this.order("apply_discount", req);
  }
  removeDiscount(req: RemoveDiscount): Promise<OrderView> {
    return this.order("remove_discount", req);
  }
  setOrderNote(req: SetOrderNote): Promise<OrderView> {
    return this.order("set_order_note", req);
  }
  changeOrderType(req: ChangeOrderType): Promise<OrderView> {
    return this.order("change_order_type", req);
  }
  recordPayment(req: RecordPayment): Promise<OrderView> {
    return this.order("record_payment", req);
  }
  voidPayment(req: VoidPayment): Promise<OrderView> {
    return this.order("void_payment", req);
  }
  refundPayment(req: RefundPayment): Promise<OrderView> {
    return this.order("refund_payment", req);
  }
  acceptOverRefund(req: AcceptOverRefund): Promise<OrderView> {
    return this.order("accept_over_refund", req);
  }
  closeOrder(req: CloseOrder): Promise<OrderView> {
    return this.order("close_order", req);
  }
  cancelOrder(req: CancelOrder): Promise<OrderView> {
    return this.order("cancel_order", req);
  }
  confirmCancel(req: ConfirmCancel): Promise<OrderView> {
    return this.order("confirm_cancel", req);
  }
  reopenOrder(req: ReopenOrder): Promise<OrderView> {
    return this.order("reopen_order", req);
  }
}
