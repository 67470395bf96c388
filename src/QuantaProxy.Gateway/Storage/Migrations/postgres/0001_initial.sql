CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kms_key_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE tenant_keys (
  id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  public_key BYTEA,
  wrapped_secret BYTEA NOT NULL,
  kms_key_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT,
  PRIMARY KEY (id, purpose)
);
CREATE INDEX ix_tenant_keys_tenant ON tenant_keys(tenant_id, purpose, status);
CREATE TABLE envelope_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  public_key BYTEA NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT
);
CREATE INDEX ix_envelope_keys_tenant ON envelope_keys(tenant_id, status);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT,
  name TEXT NOT NULL,
  key_hash BYTEA NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  credential_type TEXT NOT NULL,
  current_version BIGINT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ix_credentials_tenant ON credentials(tenant_id);
CREATE TABLE credential_versions (
  credential_id TEXT NOT NULL REFERENCES credentials(id),
  version BIGINT NOT NULL,
  vault_key_id TEXT NOT NULL,
  enc BYTEA,
  ciphertext BYTEA,
  created_at TEXT NOT NULL,
  destroyed_at TEXT,
  PRIMARY KEY (credential_id, version)
);
CREATE TABLE integrations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  system_type TEXT NOT NULL,
  okta_domain TEXT NOT NULL,
  credential_id TEXT NOT NULL REFERENCES credentials(id),
  scopes TEXT NOT NULL,
  allowed_operations TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX ix_integrations_tenant ON integrations(tenant_id);
CREATE TABLE audit_heads (
  tenant_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL
);
CREATE TABLE audit_events (
  tenant_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  occurred_at TEXT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  on_behalf_of TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  operation TEXT NOT NULL,
  outcome TEXT NOT NULL,
  upstream_status TEXT NOT NULL,
  upstream_request_id TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  response_digest TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash BYTEA NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE TABLE audit_checkpoints (
  tenant_id TEXT NOT NULL,
  tree_size BIGINT NOT NULL,
  root_hash BYTEA NOT NULL,
  signed_text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, tree_size)
);
CREATE TABLE idempotency_records (
  tenant_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code BIGINT NOT NULL,
  response_body BYTEA NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);
