-- An order's lines, one row each, apart from the rest of its state: a tap on a 500-line order
-- rewrites the line it touched and the order's small header, not the whole order. `orders.state`
-- now holds the state without its lines; `pos` is the line's place in the agreed order of
-- addition. Rebuilt from the events like every projection (the projection version says when).
CREATE TABLE order_lines (
    order_id  TEXT    NOT NULL,   -- the order's row in `orders` (kept together by the store)
    pos       INTEGER NOT NULL,
    state     TEXT    NOT NULL,   -- JSON of LineState
    PRIMARY KEY (order_id, pos)
) STRICT, WITHOUT ROWID;
