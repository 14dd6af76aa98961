-- The version of the projections' stored form (`orders.state`, `projections.state`). When a build
-- changes how an order is folded or stored, it bumps the version and re-projects every stream
-- from the event log at open, so an upgrade never leaves a row it cannot read.
ALTER TABLE device ADD COLUMN projection_version INTEGER NOT NULL DEFAULT 0;
