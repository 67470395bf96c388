CREATE TABLE trusted_issuers (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  issuer TEXT NOT NULL,
  audience TEXT NOT NULL,
  algorithms TEXT NOT NULL,
  token_shape TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX ux_trusted_issuers_live ON trusted_issuers(issuer, audience) WHERE deleted_at IS NULL;
CREATE INDEX ix_trusted_issuers_tenant ON trusted_issuers(tenant_id);
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  trusted_issuer_id TEXT NOT NULL REFERENCES trusted_issuers(id),
  client_id TEXT NOT NULL,
  name TEXT NOT NULL,
  integrations TEXT NOT NULL,
  operations TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX ux_agents_live ON agents(tenant_id, trusted_issuer_id, client_id) WHERE deleted_at IS NULL;
CREATE TABLE delegations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  integration_id TEXT NOT NULL REFERENCES integrations(id),
  operations TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  subject_login TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  calls_per_day INTEGER,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_delegations_lookup ON delegations(tenant_id, agent_id, integration_id, status);
CREATE INDEX ix_delegations_subject ON delegations(tenant_id, subject_id);
CREATE TABLE delegation_usage (
  delegation_id TEXT NOT NULL REFERENCES delegations(id),
  day TEXT NOT NULL,
  calls INTEGER NOT NULL,
  PRIMARY KEY (delegation_id, day)
);
CREATE TABLE person_blocks (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  okta_user_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  event_uuid TEXT NOT NULL,
  blocked_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, okta_user_id, group_id)
);
CREATE TABLE okta_hooks (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
  integration_id TEXT NOT NULL REFERENCES integrations(id),
  secret_hash BLOB NOT NULL,
  created_at TEXT NOT NULL,
  last_published TEXT NOT NULL
);
CREATE TABLE okta_hook_events (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  uuid TEXT NOT NULL,
  event_type TEXT NOT NULL,
  published TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, uuid)
);
