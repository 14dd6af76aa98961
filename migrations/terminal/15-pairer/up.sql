-- Who may write the store's device registry: the node that pairs devices (the hub), learnt at
-- pairing. A `DevicePaired` or `DeviceRevoked` made by any other device is refused at the door,
-- so a stolen or copied terminal cannot add a device of its own, or re-pin another's certificate,
-- in every terminal's registry. NULL before pairing.
ALTER TABLE device ADD COLUMN pairer_id TEXT;
-- The store this terminal joined had nobody on its staff at pairing (the hub said so): only then
-- may a terminal that is paired make the store's first manager (the first-run door).
ALTER TABLE device ADD COLUMN joined_empty_store INTEGER NOT NULL DEFAULT 0 CHECK (joined_empty_store IN (0, 1));
