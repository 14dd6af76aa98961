-- `device_heads` (count, highest sequence and digest per device) is now kept by the store's one
-- insert path (`comanda_store::sql::Heads`), in the same transaction as the events it counts:
-- one upsert per device and page instead of one trigger run per event. The trigger also made
-- every insert into `events` open a statement journal (a trigger is a second write that may
-- fail after the first), which cost a quarter of a peer's page.
DROP TRIGGER events_device_heads;
