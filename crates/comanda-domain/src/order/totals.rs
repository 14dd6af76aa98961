//! Totals of an order: discounts, taxes (inclusive and exclusive), payments, balance. All
//! divisions go through [`crate::money::div_round`] and [`crate::money::allocate`].

use serde::{Deserialize, Serialize};

use crate::event::{DiscountAmount, DiscountTarget, SplitTarget};
use crate::ids::{LineId, TaxRateId};
use crate::money::{Money, Rate, allocate, div_round};
use crate::order::{DiscountState, LineState, OrderState};

/// The money of one live line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    /// The line.
    pub line_id: LineId,
    /// `unit price with modifiers × qty`.
    pub gross: Money,
    /// Line discounts plus its share of order discounts.
    pub discount: Money,
    /// What the line is sold for: `gross − discount` (tax included if its rate is inclusive).
    pub net: Money,
    /// Its share of its rate's tax.
    pub tax: Money,
    /// What the customer pays for it: `net`, plus `tax` when the rate is exclusive.
    pub total: Money,
}

/// One tax rate's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    /// The rate.
    pub rate_id: TaxRateId,
    /// Its name.
    pub name: String,
    /// The rate.
    pub rate: Rate,
    /// Included in prices or added.
    pub inclusive: bool,
    /// The amount taxed (net of discounts; tax included when inclusive).
    pub base: Money,
    /// The tax.
    pub tax: Money,
}

/// The totals of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of live lines' gross.
    pub subtotal: Money,
    /// All discounts (line and order).
    pub discount: Money,
    /// Tax already inside prices.
    pub tax_included: Money,
    /// Tax added on top.
    pub tax_added: Money,
    /// What the customer owes in all: `subtotal − discount + tax_added`.
    pub total: Money,
    /// Payments not voided.
    pub paid: Money,
    /// Refunds given.
    pub refunded: Money,
    /// Refunds past their payment that a manager settled (recovered or written off).
    pub over_refund_settled: Money,
    /// Tips (not part of the balance).
    pub tips: Money,
    /// `total − paid + refunded − over_refund_settled` (0 for a cancelled order: see the
    /// refund-due conflict).
    pub balance: Money,
    /// Per tax rate.
    pub taxes: Vec<TaxLine>,
    /// Per live line.
    pub lines: Vec<LineAmounts>,
}

/// Lines are taxed together when they carry the same rate snapshot: the same id at another rate
/// (the menu's rate changed while the order was open) is another tax line.
fn same_tax(t: &TaxLine, l: &crate::catalog::LineTax) -> bool {
    t.rate_id == l.rate_id && t.rate == l.rate && t.inclusive == l.inclusive
}

fn discount_of(amount: DiscountAmount, on: Money) -> Money {
    match amount {
        DiscountAmount::Fixed(m) => m.min(on).max(Money::ZERO),
        DiscountAmount::Percent(p) => on.percent(p).min(on).max(Money::ZERO),
    }
}

impl OrderState {
    /// Computes the totals. Pure and cheap (linear in lines and discounts).
    pub fn totals(&self) -> Totals {
        self.totals_counting(|d| !d.removed)
    }

    /// The totals with only the discounts `counts` keeps (the cashier limit counts those no
    /// manager approved), computed on this very order: nothing is copied.
    fn totals_counting(&self, counts: impl Fn(&DiscountState) -> bool) -> Totals {
        let live: Vec<_> = self.live_lines().collect();
        let active: Vec<_> = self.discounts.iter().filter(|d| counts(d)).collect();
        // Line discounts, in agreed order, each on what is left of the line.
        let mut after_line: Vec<Money> = Vec::with_capacity(live.len());
        let mut line_disc: Vec<Money> = Vec::with_capacity(live.len());
        for l in &live {
            let gross = l.gross();
            let mut left = gross;
            for d in &active {
                if d.target == (DiscountTarget::Line { line_id: l.line_id }) {
                    left -= discount_of(d.amount, left);
                }
            }
            line_disc.push(gross - left);
            after_line.push(left);
        }
        // Order discounts on what is left after line discounts, spread over lines by weight.
        let mut remaining: Money = after_line.iter().copied().sum();
        let mut order_disc = Money::ZERO;
        for d in &active {
            if d.target == DiscountTarget::Order {
                let x = discount_of(d.amount, remaining);
                order_disc += x;
                remaining -= x;
            }
        }
        let weights: Vec<i64> = after_line.iter().map(|m| m.minor()).collect();
        let shares = allocate(order_disc, &weights);
        let nets: Vec<Money> = after_line
            .iter()
            .zip(&shares)
            .map(|(a, s)| *a - *s)
            .collect();

        // Taxes per rate, computed on the rate's total (fewer rounding errors), then spread over
        // its lines by weight so the lines always sum to the rate's tax.
        let mut taxes: Vec<TaxLine> = Vec::new();
        for (l, net) in live.iter().zip(&nets) {
            match taxes.iter_mut().find(|t| same_tax(t, &l.tax)) {
                Some(t) => t.base += *net,
                None => taxes.push(TaxLine {
                    rate_id: l.tax.rate_id,
                    name: l.tax.name.clone(),
                    rate: l.tax.rate,
                    inclusive: l.tax.inclusive,
                    base: *net,
                    tax: Money::ZERO,
                }),
            }
        }
        let mut line_tax = vec![Money::ZERO; live.len()];
        for t in &mut taxes {
            let r = i128::from(t.rate.milli_percent());
            let scale = i128::from(Rate::SCALE);
            let base = i128::from(t.base.minor());
            t.tax = Money::from_minor(if t.inclusive {
                div_round(base * r, scale + r)
            } else {
                div_round(base * r, scale)
            });
            let idx: Vec<usize> = live
                .iter()
                .enumerate()
                .filter(|(_, l)| same_tax(t, &l.tax))
                .map(|(i, _)| i)
                .collect();
            let w: Vec<i64> = idx.iter().map(|i| nets[*i].minor()).collect();
            for (i, share) in idx.iter().zip(allocate(t.tax, &w)) {
                line_tax[*i] = share;
            }
        }
        let lines: Vec<LineAmounts> = live
            .iter()
            .enumerate()
            .map(|(i, l)| LineAmounts {
                line_id: l.line_id,
                gross: l.gross(),
                discount: line_disc[i] + shares[i],
                net: nets[i],
                tax: line_tax[i],
                total: if l.tax.inclusive {
                    nets[i]
                } else {
                    nets[i] + line_tax[i]
                },
            })
            .collect();

        let subtotal: Money = lines.iter().map(|l| l.gross).sum();
        let discount: Money = lines.iter().map(|l| l.discount).sum();
        let tax_included: Money = taxes.iter().filter(|t| t.inclusive).map(|t| t.tax).sum();
        let tax_added: Money = taxes.iter().filter(|t| !t.inclusive).map(|t| t.tax).sum();
        let total = subtotal - discount + tax_added;
        let live_payments = self.payments.iter().filter(|p| p.voided.is_none());
        let paid: Money = live_payments.clone().map(|p| p.amount).sum();
        let tips: Money = live_payments.map(|p| p.tip).sum();
        let refunded: Money = self.refunds.iter().map(|r| r.amount).sum();
        let over_refund_settled = self.over_refund_settled();
        let balance = if self.lifecycle.phase == crate::order::Phase::Cancelled {
            Money::ZERO
        } else {
            total - paid + refunded - over_refund_settled
        };
        Totals {
            subtotal,
            discount,
            tax_included,
            tax_added,
            total,
            paid,
            refunded,
            over_refund_settled,
            tips,
            balance,
            taxes,
            lines,
        }
    }

    /// What a manager settled of refunds past their payment (recovered or written off): per
    /// settled payment, the refunds it covered beyond the payment. It no longer counts against the
    /// customer, so an order refunded twice can still be brought to a zero balance.
    fn over_refund_settled(&self) -> Money {
        self.over_refunds_settled
            .iter()
            .map(|(id, upto)| {
                let paid = self.paid_by(*id);
                ((*upto).min(self.refunded_on(*id)) - paid).max(Money::ZERO)
            })
            .sum()
    }

    /// The share of the subtotal, in basis points, that the discounts no manager approved take
    /// off, as the order's own totals compute it (line discounts first, order discounts on what
    /// is left). The one measure of the cashier discount limit.
    pub fn unapproved_discount_bp(&self) -> u32 {
        let unapproved = |d: &DiscountState| !d.removed && d.approved_by.is_none();
        if !self.discounts.iter().any(unapproved) {
            return 0;
        }
        let t = self.totals_counting(unapproved);
        if t.subtotal.minor() <= 0 {
            // Nothing to take a share of, but a fixed amount off still waits for the next line:
            // 3.91 off an emptied order is 30 % of the 13.00 line added next. It counts as
            // everything, so emptying an order under such a discount needs a manager, and a
            // cheap line added after it cannot hide behind a share of zero.
            let waiting = self.discounts.iter().any(|d| {
                unapproved(d)
                    && matches!(d.amount, DiscountAmount::Fixed(_))
                    && match d.target {
                        DiscountTarget::Order => true,
                        DiscountTarget::Line { line_id } => {
                            self.line(line_id).is_some_and(|l| l.is_live())
                        }
                    }
            });
            return if waiting { u32::MAX } else { 0 };
        }
        u32::try_from(div_round(
            i128::from(t.discount.minor()) * 10_000,
            i128::from(t.subtotal.minor()),
        ))
        .unwrap_or(u32::MAX)
    }

    /// What the customer is owed back: on a cancelled order the money still held, otherwise what
    /// was paid past the total. Zero when nothing is owed.
    pub fn refund_due_with(&self, t: &Totals) -> Money {
        if self.lifecycle.phase == crate::order::Phase::Cancelled {
            (t.paid - t.refunded).max(Money::ZERO)
        } else {
            (-t.balance).max(Money::ZERO)
        }
    }

    /// What is still due for one part of a split bill, never below zero, never above the order's
    /// balance.
    ///
    /// By seat or by lines, a part is what its lines cost less what was already paid for those
    /// very lines by any part that named them (a payment by lines or by seat is spread over its
    /// lines by their weight), so a line paid by seat is not paid again by lines.
    ///
    /// An even split shares what the other payments left: a 45.00 bill with 15.00 paid by card,
    /// then split two ways, is 15.00 a part.
    pub fn due_for(&self, target: &SplitTarget) -> Money {
        let t = self.totals();
        self.due_with(&t, &self.paid_per_line(&t), target)
    }

    /// What is still due for each seat in use, seats in order: [`Self::due_for`] of every seat,
    /// with what was paid per line worked out once.
    pub fn seat_dues(&self, t: &Totals) -> Vec<(u8, Money)> {
        let mut seats: Vec<u8> = self.live_lines().filter_map(|l| l.seat).collect();
        seats.sort_unstable();
        seats.dedup();
        let paid = self.paid_per_line(t);
        seats
            .into_iter()
            .map(|s| (s, self.due_with(t, &paid, &SplitTarget::Seat(s))))
            .collect()
    }

    fn due_with(&self, t: &Totals, paid: &[Money], target: &SplitTarget) -> Money {
        let share: Money = match target {
            SplitTarget::Seat(_) | SplitTarget::Lines(_) => self
                .live_lines()
                .zip(&t.lines)
                .zip(paid)
                .filter(|((l, _), _)| covers(target, l))
                .map(|((_, a), p)| (a.total - *p).max(Money::ZERO))
                .sum(),
            SplitTarget::Even { part, of } => {
                let n = usize::from((*of).max(1));
                let k = usize::from((*part).clamp(1, *of.max(&1))) - 1;
                let same_split = |p: &&crate::order::PaymentState| matches!(p.split, Some(SplitTarget::Even { of: o, .. }) if o == *of);
                let others: Money = self
                    .payments
                    .iter()
                    .filter(|p| p.voided.is_none() && !same_split(p))
                    .map(|p| p.amount)
                    .sum();
                let base = (t.total + t.refunded - others).max(Money::ZERO);
                let share = allocate(base, &vec![1; n])
                    .get(k)
                    .copied()
                    .unwrap_or_default();
                let paid_for: Money = self
                    .payments
                    .iter()
                    .filter(|p| p.voided.is_none() && p.split.as_ref() == Some(target))
                    .map(|p| p.amount)
                    .sum();
                share - paid_for
            }
        };
        share.max(Money::ZERO).min(t.balance.max(Money::ZERO))
    }

    /// What payments by seat or by lines paid for each live line (in the order of
    /// `t.lines`, which is the order of the live lines): each payment spread over the live lines
    /// it named, by their totals.
    fn paid_per_line(&self, t: &Totals) -> Vec<Money> {
        let mut paid = vec![Money::ZERO; t.lines.len()];
        for p in self.payments.iter().filter(|p| p.voided.is_none()) {
            let Some(split @ (SplitTarget::Seat(_) | SplitTarget::Lines(_))) = &p.split else {
                continue;
            };
            let idx: Vec<usize> = self
                .live_lines()
                .enumerate()
                .filter(|(_, l)| covers(split, l))
                .map(|(i, _)| i)
                .collect();
            let w: Vec<i64> = idx.iter().map(|i| t.lines[*i].total.minor()).collect();
            for (i, share) in idx.iter().zip(allocate(p.amount, &w)) {
                paid[*i] += share;
            }
        }
        paid
    }
}

/// True when a split part by seat or lines names this line.
fn covers(part: &SplitTarget, line: &LineState) -> bool {
    match part {
        SplitTarget::Seat(s) => line.seat == Some(*s),
        SplitTarget::Lines(ids) => ids.contains(&line.line_id),
        SplitTarget::Even { .. } => false,
    }
}
