-- Order lists read newest first, by status or all: indexes in exactly that order, so a list is a
-- short index walk, never a scan and sort of every order (each row holds its whole state).
DROP INDEX IF EXISTS orders_by_status;
CREATE INDEX orders_by_status_newest ON orders (status, opened_ms DESC, number DESC, order_id DESC);
CREATE INDEX orders_newest ON orders (opened_ms DESC, number DESC, order_id DESC);
