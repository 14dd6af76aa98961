-- Which order each id a caller may choose belongs to (the order itself, its lines, payments,
-- discounts, refunds): the first event that names it wins. A command that reuses an id of one
-- order on another is refused with it, instead of making a second record under the same id.
CREATE TABLE entity_ids (
    id        TEXT NOT NULL PRIMARY KEY,
    kind      TEXT NOT NULL,   -- order | line | payment | discount | refund
    order_id  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO entity_ids (id, kind, order_id)
SELECT substr(stream, 7), 'order', substr(stream, 7) FROM events
WHERE kind = 'OrderOpened' AND stream LIKE 'order:%' ORDER BY seq;

INSERT OR IGNORE INTO entity_ids (id, kind, order_id)
SELECT json_extract(payload, '$.line_id'), 'line', substr(stream, 7) FROM events
WHERE kind = 'LineAdded' AND stream LIKE 'order:%' ORDER BY seq;

INSERT OR IGNORE INTO entity_ids (id, kind, order_id)
SELECT json_extract(payload, '$.payment_id'), 'payment', substr(stream, 7) FROM events
WHERE kind = 'PaymentRecorded' AND stream LIKE 'order:%' ORDER BY seq;

INSERT OR IGNORE INTO entity_ids (id, kind, order_id)
SELECT json_extract(payload, '$.discount_id'), 'discount', substr(stream, 7) FROM events
WHERE kind = 'DiscountApplied' AND stream LIKE 'order:%' ORDER BY seq;

INSERT OR IGNORE INTO entity_ids (id, kind, order_id)
SELECT json_extract(payload, '$.refund_id'), 'refund', substr(stream, 7) FROM events
WHERE kind = 'RefundIssued' AND stream LIKE 'order:%' ORDER BY seq;
