-- Per device, a digest of the ids of the events the log holds: the XOR of a 64-bit mix of each
-- id (Rust computes it: `comanda_store::id_digest`). Two nodes whose vectors say they hold
-- the same positions compare digests too, so a fork (a copied device that made other events
-- under the same sequence numbers) is found even if the two never send each other those events
-- (automerge #870). NULL until computed: the store fills it from the log at open.
ALTER TABLE device_heads ADD COLUMN digest INTEGER;
