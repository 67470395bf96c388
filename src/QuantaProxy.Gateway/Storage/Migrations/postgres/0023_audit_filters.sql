-- The audit listing's filters by integration, agent or API key (actor) and person (on_behalf_of) walk these in seq order
-- instead of scanning the tenant's whole chain. Operation, outcome and type are left to the seq-ordered scan: each is
-- common enough that an index would cost every append more than it saves a reader.
CREATE INDEX IF NOT EXISTS audit_events_integration ON audit_events (tenant_id, integration_id, seq);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (tenant_id, actor, seq);
CREATE INDEX IF NOT EXISTS audit_events_on_behalf_of ON audit_events (tenant_id, on_behalf_of, seq);
