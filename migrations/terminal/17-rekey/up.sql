-- A terminal restored from a backup takes a fresh device id when it learns that the store holds
-- events of its old id it lacks (see comanda-store's ingest). Its token and certificate were
-- given to the old id: until the hub has moved its pairing to the new id (a re-key, asked with
-- the old token), this column names the id the pairing belongs to. NULL when nothing waits.
ALTER TABLE device ADD COLUMN rekey_from TEXT;
