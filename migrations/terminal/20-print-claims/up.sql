-- How many print jobs this node has ever claimed (set sending, before a byte leaves). The same
-- count is written after each claim to a small file beside the database (the print mark): a
-- database put back from a backup counts fewer than its mark, and so knows at once that its
-- printers may have printed what it no longer remembers.
ALTER TABLE device ADD COLUMN print_claims INTEGER NOT NULL DEFAULT 0;
