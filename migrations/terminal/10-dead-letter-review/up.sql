-- A manager looking at a refused or unreadable event says so, and it leaves the "to look at"
-- list: who, when, and what they made of it. The row itself stays, as received.
ALTER TABLE dead_letters ADD COLUMN reviewed_by TEXT;
ALTER TABLE dead_letters ADD COLUMN reviewed_ms INTEGER;
ALTER TABLE dead_letters ADD COLUMN review_note TEXT;
