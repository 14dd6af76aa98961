-- The store's PIN pepper: a secret mixed into every PIN hash made once this terminal is paired
-- (argon2's secret input; the hash names it by a key id). Handed over by the hub at pairing and
-- kept here only, never in the event log: a copy of the log or of a backup of it alone does not
-- let anyone try the 10^4 PINs of a 4-digit hash offline. NULL before pairing (and on a terminal
-- paired before peppers existed): PINs are then hashed without it.
ALTER TABLE device ADD COLUMN pin_pepper BLOB;
