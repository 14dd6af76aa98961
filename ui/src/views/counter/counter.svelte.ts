//! The counter's state and actions: the current order, the selected line, the numpad, which
//! dialog is open, and every call the counter makes. Answers are applied in the order the calls
//! were made, so a slow answer never overwrites a newer one.
import { app } from "../../app.svelte";
import { approvals, ApprovalCancelled } from "../../components/approval.svelte";
import { nextCourse, sendPlan } from "./courses";
import { toasts } from "../../components/toasts.svelte";
import { ApiFailure, isFailure, messageOf } from "../../lib/backend";
import { echoes } from "../../lib/backend/echoes";
import { newId } from "../../lib/backend/ids";
import type { Approval } from "../../lib/bindings/Approval";
import type { Change } from "../../lib/bindings/Change";
import type { DiscountRequest } from "../../lib/bindings/DiscountRequest";
import type { DiscountTarget } from "../../lib/bindings/DiscountTarget";
import type { Item } from "../../lib/bindings/Item";
import type { LineView } from "../../lib/bindings/LineView";
import type { ModifierChoice } from "../../lib/bindings/ModifierChoice";
import type { Money } from "../../lib/bindings/Money";
import type { OrderSummaryView } from "../../lib/bindings/OrderSummaryView";
import type { OrderType } from "../../lib/bindings/OrderType";
import type { OrderView } from "../../lib/bindings/OrderView";
import type { PaymentRequest } from "../../lib/bindings/PaymentRequest";
import type { OverRefundSettlement } from "../../lib/bindings/OverRefundSettlement";
import type { PaymentView } from "../../lib/bindings/PaymentView";
import type { RefundRequestMethod } from "../../lib/bindings/RefundRequestMethod";
import type { SplitTarget } from "../../lib/bindings/SplitTarget";
import { beep } from "../../lib/input/beep";
import { NumpadBuffer } from "../../lib/input/numpad";
import { needsDialog } from "../../lib/orders/modifiers";
import { isLive, lineToIncrement, orderTypeLabel, withOpenOrder, type NewOrderForm } from "../../lib/orders/orders";

/** Something to add once an order exists (a tile tapped or a code scanned with no order open). */
export type PendingAdd = { kind: "item"; item: Item } | { kind: "barcode"; code: string };

export type CounterDialog =
  | { type: "modifiers"; item: Item; line: LineView | null }
  | { type: "new_order"; kind: NewOrderForm["kind"]; pending: PendingAdd | null }
  | { type: "void"; line: LineView }
  | { type: "void_payment"; payment: PaymentView }
  | { type: "refund" }
  | { type: "settle_over_refund"; paymentId: string; paid: Money; refunded: Money }
  | { type: "settle_cancel"; lines: string[] }
  | { type: "cancel_order" }
  | { type: "change_type" }
  | { type: "discount" }
  | { type: "note" }
  | { type: "pay" }
  | { type: "keys" }
  | { type: "reopen"; order: OrderSummaryView }
  | { type: "paid"; orderId: string; number: number; label: string; total: Money; change: Money; cash: boolean; sent: number; receipt: boolean };

/** The words the Paid screen shows for an order: its type with the guests ("Table 12 · 2 guests"). */
function paidLabel(o: OrderView): string {
  return orderTypeLabel(o.order_type, o.label);
}

/** How many lines went to the kitchen between two views of an order (settling sends the rest). */
function sentBy(before: OrderView, after: OrderView): number {
  const unsent = (o: OrderView) => o.lines.filter((l) => isLive(l) && !l.fired).length;
  return Math.max(0, unsent(before) - unsent(after));
}

/** How long a new or changed line flashes (ms). */
const FLASH_MS = 700;

export class CounterState {
  order = $state<OrderView | null>(null);
  loadingOrder = $state(false);
  selectedId = $state<string | null>(null);
  flashId = $state<string | null>(null);
  numpad = $state(new NumpadBuffer());
  qtyError = $state<string | null>(null);
  dialog = $state<CounterDialog | null>(null);
  /** Print the receipt with a payment that settles the order (this terminal remembers it). */
  receiptOnPay = $state(readReceiptOnPay());
  panel = $state<"menu" | "orders">("menu");
  /** The menu's category tab (null: the first). */
  menuCategory = $state<string | null>(null);
  openOrders = $state<OrderSummaryView[]>([]);
  /** Bumped on every change, so lists refetch. */
  listVersion = $state(0);
  private seq = 0;
  private applied = 0;
  private inFlight = 0;
  private heard: Change[] = [];
  private flashTimer: ReturnType<typeof setTimeout> | null = null;
  private listTimer: ReturnType<typeof setTimeout> | null = null;

  get selected(): LineView | null {
    return this.order?.lines.find((l) => l.line_id === this.selectedId) ?? null;
  }

  get isOpen(): boolean {
    return this.order?.status === "open";
  }

  // ---- applying answers -------------------------------------------------------------------

  private apply(o: OrderView, seq: number): void {
    echoes.hold(o.order_id, o.version);
    if (seq < this.applied) return;
    this.applied = seq;
    if (this.order && this.order.order_id !== o.order_id && seq !== this.seq) return;
    this.order = o;
    if (this.selectedId && !o.lines.some((l) => l.line_id === this.selectedId)) this.selectedId = null;
  }

  /** Runs a call that answers with the order, and applies the answer: to the order shown and to
   *  the open list, so nothing is fetched again (the change stream's echo of it is skipped). */
  async mutate(call: () => Promise<OrderView>): Promise<OrderView> {
    const s = ++this.seq;
    this.inFlight++;
    let o: OrderView;
    try {
      o = await call();
    } finally {
      this.inFlight--;
      // Changes heard while the call was out: the answer may have carried them already.
      if (this.inFlight === 0) queueMicrotask(() => this.heardWhileBusy());
    }
    this.apply(o, s);
    const wasOpen = this.openOrders.some((x) => x.order_id === o.order_id);
    this.openOrders = withOpenOrder(this.openOrders, o);
    // Closed or cancelled: the Closed tab's list changed too.
    if (wasOpen && o.status !== "open") this.listVersion++;
    return o;
  }

  /** Refetches the current order (after a change from elsewhere). */
  async refresh(): Promise<void> {
    const id = this.order?.order_id;
    if (!id) return;
    const s = ++this.seq;
    try {
      const o = await app.api.getOrder({ order_id: id });
      if (this.order?.order_id === id) this.apply(o, s);
    } catch (e) {
      if (isFailure(e, "not_found")) this.clearOrder();
    }
  }

  async loadOpenOrders(): Promise<void> {
    try {
      this.openOrders = (await app.api.listOrders({ status: "open" })).orders;
    } catch {
      /* the list keeps what it had */
    }
  }

  private scheduleLists(): void {
    if (this.listTimer) clearTimeout(this.listTimer);
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      this.listVersion++;
      void this.loadOpenOrders();
    }, 300);
  }

  /** A change from the stream. The echo of this screen's own call brings nothing new; one heard
   *  while a call is out waits for its answer (the stream can be faster than the answer). */
  onChange(c: Change): void {
    if (this.inFlight > 0) {
      this.heard.push(c);
      return;
    }
    if (echoes.isEcho(c)) return;
    if (c.type === "order") {
      if (c.order_id === this.order?.order_id) void this.refresh();
      this.scheduleLists();
    } else if (c.type === "reload") {
      void this.refresh();
      this.scheduleLists();
    } else if (c.type === "printing" && this.order?.waiting.length) {
      // A ticket of this order printed or failed here: its line says so.
      void this.refresh();
    }
  }

  private heardWhileBusy(): void {
    const heard = this.heard;
    this.heard = [];
    for (const c of heard) this.onChange(c);
  }

  private flash(lineId: string): void {
    this.selectedId = lineId;
    this.flashId = lineId;
    if (this.flashTimer) clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => (this.flashId = null), FLASH_MS);
  }

  clearOrder(): void {
    this.order = null;
    this.selectedId = null;
    this.numpad = this.numpad.clear();
    this.qtyError = null;
  }

  /** Selects a line. Tapping the line that is already selected keeps it selected, nothing more:
   *  a new line is selected as it is added, and a tap to select it must not open a dialog
   *  (Modify does that). */
  select(line: LineView): void {
    this.selectedId = line.line_id;
    this.qtyError = null;
  }

  // ---- orders -------------------------------------------------------------------------------

  async openOrder(orderType: OrderType, pending: PendingAdd | null): Promise<void> {
    const o = await this.mutate(() => app.api.openOrder({ order_id: newId(), order_type: orderType }));
    this.order = o;
    this.selectedId = null;
    this.panel = "menu";
    this.dialog = null;
    if (pending?.kind === "item") await this.tapItem(pending.item);
    if (pending?.kind === "barcode") await this.scan(pending.code);
  }

  async resume(orderId: string): Promise<void> {
    this.loadingOrder = true;
    try {
      const s = ++this.seq;
      const o = await app.api.getOrder({ order_id: orderId });
      this.applied = s;
      this.order = o;
      this.selectedId = null;
      this.numpad = this.numpad.clear();
      this.panel = "menu";
    } catch (e) {
      toasts.show(messageOf(e), "error");
    } finally {
      this.loadingOrder = false;
    }
  }

  /** Reopens a closed order (a manager's PIN, asked in place). Throws for the dialog to show. */
  async reopen(orderId: string, reason: string): Promise<void> {
    const o = await approvals.run((approval) => this.mutate(() => app.api.reopenOrder(withApproval({ order_id: orderId, reason }, approval))));
    this.order = o;
    this.selectedId = null;
    this.panel = "menu";
  }

  startNew(kind: NewOrderForm["kind"] = "dine_in", pending: PendingAdd | null = null): void {
    this.dialog = { type: "new_order", kind, pending };
  }

  // ---- ringing in ---------------------------------------------------------------------------

  async tapItem(item: Item): Promise<void> {
    if (!item.available) {
      toasts.show(`${item.name} is off the menu right now.`, "error");
      return;
    }
    if (!this.order || !this.isOpen) {
      this.startNew("takeaway", { kind: "item", item });
      return;
    }
    const groups = app.bootstrap?.catalog.modifier_groups ?? [];
    if (needsDialog(item, groups)) {
      this.dialog = { type: "modifiers", item, line: null };
      return;
    }
    const inc = lineToIncrement(this.order, this.selectedId, item.id);
    try {
      if (inc) {
        await this.setQty(inc, inc.qty + 1);
        this.flash(inc.line_id);
      } else {
        await this.addLine(item, []);
      }
    } catch (e) {
      this.showError(e);
    }
  }

  /** Adds a line (throws, so the modifiers dialog can show a `modifiers` error). */
  async addLine(item: Item, modifiers: ModifierChoice[]): Promise<void> {
    const order = this.order;
    if (!order) return;
    const lineId = newId();
    await this.mutate(() => app.api.addLine({ order_id: order.order_id, line_id: lineId, item_id: item.id, qty: 1, modifiers }));
    this.numpad = this.numpad.clear();
    this.qtyError = null;
    this.flash(lineId);
  }

  async changeModifiers(line: LineView, modifiers: ModifierChoice[]): Promise<void> {
    const order = this.order;
    if (!order) return;
    await this.mutate(() => app.api.changeLine({ order_id: order.order_id, line_id: line.line_id, change: { field: "modifiers", value: modifiers } }));
    this.flash(line.line_id);
  }

  canModify(line: LineView | null): boolean {
    return !!line && !line.fired && !line.voided && this.isOpen && this.itemOf(line).modifier_group_ids.length > 0;
  }

  itemOf(line: LineView): Item {
    const found = app.bootstrap?.catalog.items.find((i) => i.id === line.item_id);
    return found ?? { id: line.item_id, category_id: "", name: line.name, price: line.unit_price, tax_rate_id: "", modifier_group_ids: [], barcode: null, available: true, stations: [] };
  }

  openModifiersFor(line: LineView): void {
    this.dialog = { type: "modifiers", item: this.itemOf(line), line };
  }

  async scan(code: string): Promise<void> {
    if (!this.order || !this.isOpen) {
      this.startNew("takeaway", { kind: "barcode", code });
      return;
    }
    const order = this.order;
    const before = new Map(order.lines.map((l) => [l.line_id, l.qty]));
    try {
      const o = await this.mutate(() => app.api.addByBarcode({ order_id: order.order_id, code }));
      const added = o.lines.find((l) => !before.has(l.line_id)) ?? o.lines.find((l) => before.get(l.line_id) !== l.qty);
      if (added) this.flash(added.line_id);
    } catch (e) {
      if (isFailure(e, "unknown_item") || (e instanceof ApiFailure && e.field === "code")) {
        beep();
        toasts.show(e instanceof ApiFailure ? e.message : `Unknown code ${code}.`, "error");
      } else {
        this.showError(e);
      }
    }
  }

  async setQty(line: LineView, qty: number): Promise<void> {
    const order = this.order;
    if (!order) return;
    // Taking some of a line already sent to the kitchen needs a manager, asked in place.
    await approvals.run((approval) =>
      this.mutate(() =>
        app.api.changeLine(withApproval({ order_id: order.order_id, line_id: line.line_id, change: { field: "qty", value: qty } }, approval)),
      ),
    );
  }

  // ---- numpad -------------------------------------------------------------------------------

  digit(d: string): void {
    this.numpad = this.numpad.push(d);
    this.qtyError = null;
  }

  backspace(): void {
    this.numpad = this.numpad.backspace();
    this.qtyError = null;
  }

  clearPad(): void {
    this.numpad = this.numpad.clear();
    this.qtyError = null;
  }

  /** Enter: the typed number becomes the selected line's quantity. The digits stay on error. */
  async enterQty(): Promise<void> {
    const n = this.numpad.value;
    if (n === null) return;
    const line = this.selected;
    if (!line || line.voided) {
      this.qtyError = "Select a line first, then type its quantity.";
      return;
    }
    try {
      await this.setQty(line, n);
      this.numpad = this.numpad.clear();
      this.qtyError = null;
      this.flash(line.line_id);
    } catch (e) {
      this.showError(e, "qty");
    }
  }

  /** Seat: the typed number becomes the selected line's seat (empty clears it). */
  async enterSeat(): Promise<void> {
    const line = this.selected;
    const order = this.order;
    if (!line || line.voided || !order) {
      this.qtyError = "Select a line first, then type its seat.";
      return;
    }
    const seat = this.numpad.value;
    try {
      await this.mutate(() => app.api.changeLine({ order_id: order.order_id, line_id: line.line_id, change: { field: "seat", value: seat } }));
      this.numpad = this.numpad.clear();
      this.qtyError = null;
      this.flash(line.line_id);
    } catch (e) {
      this.showError(e, "seat");
    }
  }

  async step(delta: 1 | -1): Promise<void> {
    const line = this.selected;
    if (!line || line.voided) {
      this.qtyError = "Select a line first.";
      return;
    }
    if (delta < 0 && line.qty <= 1) {
      this.openVoid();
      return;
    }
    try {
      await this.setQty(line, line.qty + delta);
      this.qtyError = null;
      this.flash(line.line_id);
    } catch (e) {
      this.showError(e, "qty");
    }
  }

  // ---- actions ------------------------------------------------------------------------------

  async send(): Promise<void> {
    const order = this.order;
    if (!order || !this.isOpen) return;
    const plan = sendPlan(order.lines);
    if (plan.sending === 0) {
      toasts.show("Nothing new to send.");
      return;
    }
    const n = plan.sending;
    try {
      await this.mutate(() => app.api.fireOrder(plan.holds ? { order_id: order.order_id, hold_later: true } : { order_id: order.order_id }));
      toasts.show(
        plan.holds
          ? `Sent course ${plan.first} (${n} ${n === 1 ? "line" : "lines"}); later courses held.`
          : `Sent ${n} ${n === 1 ? "line" : "lines"} to the kitchen.`,
        "success",
      );
    } catch (e) {
      this.showError(e);
    }
  }

  /** Fire a course the counter held. */
  async fireCourse(course: number): Promise<void> {
    const order = this.order;
    if (!order || !this.isOpen) return;
    try {
      await this.mutate(() => app.api.fireOrder({ order_id: order.order_id, course }));
      toasts.show(`Course ${course} fired.`, "success");
    } catch (e) {
      this.showError(e);
    }
  }

  /** Course: the typed number becomes the selected line's course (0 clears); with nothing typed
   *  a tap moves it to the next course (none → 1 → 2 → 3 → none). */
  async setCourse(): Promise<void> {
    const line = this.selected;
    const order = this.order;
    if (!line || line.voided || !order) {
      this.qtyError = "Select a line first, then tap Course.";
      return;
    }
    const course = nextCourse(line.course, this.numpad.empty ? null : this.numpad.value);
    try {
      await this.mutate(() => app.api.changeLine({ order_id: order.order_id, line_id: line.line_id, change: { field: "course", value: course } }));
      this.numpad = this.numpad.clear();
      this.qtyError = null;
      this.flash(line.line_id);
    } catch (e) {
      this.showError(e, "seat");
    }
  }

  openVoid(): void {
    const line = this.selected;
    if (!line || line.voided) {
      toasts.show("Select a line to void.");
      return;
    }
    this.dialog = { type: "void", line };
  }

  async voidLine(line: LineView, reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    await approvals.run((approval) =>
      this.mutate(() => app.api.voidLine(withApproval({ order_id: order.order_id, line_id: line.line_id, reason }, approval))),
    );
    if (this.selectedId === line.line_id) this.selectedId = null;
    toasts.show(`Voided ${line.name}.`, "success");
  }

  /** Voids a payment (a manager's PIN, asked in place, unless a manager is signed in). Throws
   *  for the dialog to show; the balance comes back with the order. */
  async voidPayment(payment: PaymentView, reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    await approvals.run((approval) =>
      this.mutate(() => app.api.voidPayment(withApproval({ order_id: order.order_id, payment_id: payment.payment_id, reason }, approval))),
    );
    toasts.show(`Voided the payment of ${app.money(payment.amount)}.`, "success");
  }

  /** Gives money back against a payment (a manager's PIN, asked in place, unless a manager is
   *  signed in). Throws for the dialog to show. `refundId` is kept by the dialog for retries. */
  async refund(refundId: string, payment: PaymentView, amount: Money, method: RefundRequestMethod, reason: string): Promise<OrderView> {
    const order = this.order;
    if (!order) throw new ApiFailure("order_not_open", "No order is open.");
    const o = await approvals.run((approval) =>
      this.mutate(() =>
        app.api.refundPayment(withApproval({ order_id: order.order_id, refund_id: refundId, payment_id: payment.payment_id, amount, method, reason }, approval)),
      ),
    );
    toasts.show(`Refunded ${app.money(amount)}.`, "success");
    return o;
  }

  /** Settles refunds that came to more than their payment (a manager's PIN, asked in place).
   *  Throws for the dialog to show. */
  async settleOverRefund(paymentId: string, settlement: OverRefundSettlement, reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    await approvals.run((approval) =>
      this.mutate(() => app.api.acceptOverRefund(withApproval({ order_id: order.order_id, payment_id: paymentId, settlement, reason }, approval))),
    );
    toasts.show("Over-refund settled.", "success");
  }

  /** A manager confirms a cancel the kitchen had already started on: its lines are waste. */
  async confirmCancel(reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    await approvals.run((approval) => this.mutate(() => app.api.confirmCancel(withApproval({ order_id: order.order_id, reason }, approval))));
    toasts.show("Cancel confirmed; the kitchen's lines are written off.", "success");
  }

  /** The change-type dialog: another table, guests or name, or another kind (open orders only). */
  openChangeType(): void {
    if (!this.order || !this.isOpen) return;
    this.dialog = { type: "change_type" };
  }

  /** Moves the current order to another table, renames it, or changes its kind. Throws for the
   *  dialog to show (a field's error next to the field). */
  async changeOrderType(orderType: OrderType): Promise<void> {
    const order = this.order;
    if (!order) return;
    await this.mutate(() => app.api.changeOrderType({ order_id: order.order_id, order_type: orderType }));
    this.dialog = null;
  }

  openCancel(): void {
    if (!this.order || !this.isOpen) return;
    this.dialog = { type: "cancel_order" };
  }

  /** Cancels the current order (a manager's PIN, asked in place, once lines were sent), then
   *  back to a fresh counter. Throws for the dialog to show (e.g. money still held). */
  async cancelOrder(reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    const o = await approvals.run((approval) => this.mutate(() => app.api.cancelOrder(withApproval({ order_id: order.order_id, reason }, approval))));
    this.dialog = null;
    if (this.order?.order_id === o.order_id) this.clearOrder();
    this.panel = "menu";
    toasts.show(`Order #${o.number} cancelled.`, "success");
  }

  async applyDiscount(target: DiscountTarget, discount: DiscountRequest, reason: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    const discountId = newId();
    await approvals.run((approval) =>
      this.mutate(() =>
        app.api.applyDiscount(withApproval({ order_id: order.order_id, discount_id: discountId, target, discount, reason }, approval)),
      ),
    );
  }

  async removeDiscount(discountId: string): Promise<void> {
    const order = this.order;
    if (!order) return;
    try {
      await this.mutate(() => app.api.removeDiscount({ order_id: order.order_id, discount_id: discountId }));
    } catch (e) {
      this.showError(e);
    }
  }

  /** The guest's allergy on a line (null clears it); on a sent line the kitchen gets a CHANGED
   *  ticket with it. Errors go back to the dialog. */
  async saveAllergy(line: LineView, allergy: string | null): Promise<void> {
    const order = this.order;
    if (!order) return;
    await this.mutate(() => app.api.changeLine({ order_id: order.order_id, line_id: line.line_id, change: { field: "allergy", value: allergy } }));
    this.flash(line.line_id);
  }

  async saveNote(line: LineView | null, note: string | null): Promise<void> {
    const order = this.order;
    if (!order) return;
    if (line) {
      await this.mutate(() => app.api.changeLine({ order_id: order.order_id, line_id: line.line_id, change: { field: "note", value: note } }));
      this.flash(line.line_id);
    } else {
      await this.mutate(() => app.api.setOrderNote({ order_id: order.order_id, note }));
    }
  }

  openPay(): void {
    const order = this.order;
    if (!order) {
      toasts.show("Start an order first.");
      return;
    }
    if (!this.isOpen) {
      toasts.show(`This order is ${order.status}.`);
      return;
    }
    if (order.refund_due > 0) {
      this.dialog = { type: "refund" };
      return;
    }
    if (order.totals.balance <= 0) {
      if (order.lines.some(isLive)) void this.closeZero();
      else toasts.show("Nothing to pay yet: scan or tap an item.");
      return;
    }
    this.dialog = { type: "pay" };
  }

  private async closeZero(): Promise<void> {
    const order = this.order;
    if (!order) return;
    try {
      const o = await this.mutate(() => app.api.closeOrder({ order_id: order.order_id }));
      this.dialog = { type: "paid", orderId: o.order_id, number: o.number, label: paidLabel(o), total: o.totals.total, change: 0, cash: false, sent: sentBy(order, o), receipt: false };
    } catch (e) {
      this.showError(e);
    }
  }

  /** Records one payment (the caller keeps `paymentId` for retries). Throws for the dialog. */
  async pay(paymentId: string, method: PaymentRequest, split: SplitTarget | null): Promise<OrderView> {
    const order = this.order;
    if (!order) throw new ApiFailure("order_not_open", "No order is open.");
    // A large card tip needs a manager, asked in place.
    // The receipt goes with the payment that settles the order (a part payment prints none).
    saveReceiptOnPay(this.receiptOnPay);
    const receipt = app.hasReceiptPrinter && this.receiptOnPay && order.totals.balance > 0;
    const o = await approvals.run((approval) =>
      this.mutate(() =>
        app.api.recordPayment(
          withApproval(
            {
              order_id: order.order_id,
              payment_id: paymentId,
              method,
              ...(split ? { split } : {}),
              ...(receipt && !split ? { receipt: true } : {}),
            },
            approval,
          ),
        ),
      ),
    );
    if (o.status === "closed") {
      const p = o.payments.find((x) => x.payment_id === paymentId);
      const change = p?.method.type === "cash" ? p.method.change : 0;
      this.dialog = {
        type: "paid",
        orderId: o.order_id,
        number: o.number,
        label: paidLabel(o),
        total: o.totals.total,
        change,
        cash: p?.method.type === "cash",
        sent: sentBy(order, o),
        receipt: receipt && !split,
      };
    }
    return o;
  }

  /** Prints the order's receipt on this terminal's receipt printer (a copy when it had one). */
  async printReceipt(): Promise<void> {
    const order = this.order;
    if (!order) return;
    try {
      const job = await app.api.printReceipt({ order_id: order.order_id, request_id: newId() });
      toasts.show(`${order.receipts.length ? "A copy of the receipt" : "The receipt"} is printing on ${job.printer}.`);
    } catch (e) {
      this.showError(e);
    }
  }

  /** After "Paid": back to a fresh counter, on the menu's first category. */
  finishSale(): void {
    this.dialog = null;
    this.clearOrder();
    this.panel = "menu";
    this.menuCategory = null;
  }

  /** Shows an error: with a field the counter shows (qty, seat) next to the numpad, else a toast. */
  showError(e: unknown, fieldHint?: string): void {
    if (e instanceof ApprovalCancelled) return;
    const field = e instanceof ApiFailure ? e.field : undefined;
    if (field === "qty" || field === "seat" || (!field && fieldHint && e instanceof ApiFailure && e.code === "invalid_input")) {
      this.qtyError = messageOf(e);
      return;
    }
    toasts.show(messageOf(e), "error");
    if (isFailure(e, "order_not_open") || isFailure(e, "conflict")) void this.refresh();
  }
}

const RECEIPT_KEY = "comanda.receiptOnPay";

function readReceiptOnPay(): boolean {
  try {
    return localStorage.getItem(RECEIPT_KEY) !== "no";
  } catch {
    return true;
  }
}

function saveReceiptOnPay(on: boolean): void {
  try {
    localStorage.setItem(RECEIPT_KEY, on ? "yes" : "no");
  } catch {
    /* a private window: asked each time */
  }
}

/** Adds `approval` to a request when there is one. */
export function withApproval<T extends object>(req: T, approval: Approval | undefined): T & { approval?: Approval } {
  return approval ? { ...req, approval } : req;
}

export const counter = new CounterState();
