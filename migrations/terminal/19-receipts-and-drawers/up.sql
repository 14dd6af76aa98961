-- The print queue also holds customer receipts and cash drawer kicks.
--
-- A receipt's row is made in the transaction of the payment that asks for it, or of a person's
-- request (`receipt:<payment or request id>`): asked twice, it prints once. A drawer kick's row
-- is made in the transaction of the cash payment or refund that opens the drawer, or of the
-- approved no-sale (`drawer:<payment, refund or request id>`); `detail` keeps why, as the
-- `DrawerOpened` event the worker appends will say it. A kick is never retried: a drawer that
-- opens minutes later, unasked, is worse than one that did not open.
--
-- SQLite cannot change a CHECK constraint in place: the table is made again and its rows copied.
CREATE TABLE print_jobs_new (
    job_id         TEXT PRIMARY KEY,
    printer_id     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'drawer', 'test')),
    order_id       TEXT,
    fire_event_id  TEXT,
    station        TEXT,
    state          TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'failed', 'unknown')),
    reason         TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    reprint        INTEGER NOT NULL DEFAULT 0,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    detail         TEXT
) STRICT;

INSERT INTO print_jobs_new (job_id, printer_id, kind, order_id, fire_event_id, station, state,
                            reason, attempts, reprint, created_ms, updated_ms)
SELECT job_id, printer_id, kind, order_id, fire_event_id, station, state, reason, attempts,
       reprint, created_ms, updated_ms
FROM print_jobs;

DROP TABLE print_jobs;
ALTER TABLE print_jobs_new RENAME TO print_jobs;

CREATE INDEX print_jobs_by_printer ON print_jobs (printer_id, state, created_ms);

-- When this node learnt it was restored from a backup (its clock, ms; NULL: never). A kitchen
-- ticket of a fire stamped before then may have printed here before the restore, its word gone
-- with the old disk: its job is made unknown, for a person, not printed again by itself.
ALTER TABLE device ADD COLUMN restored_ms INTEGER;
