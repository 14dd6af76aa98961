-- Orders by when they last changed: the kitchen's board and its ticket-times report read the
-- orders touched since a moment (a tab opened at noon whose mains fire at nine is still there).
CREATE INDEX IF NOT EXISTS orders_by_updated ON orders (updated_ms);
