CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    state TEXT NOT NULL,
    required BIGINT NOT NULL,
    policy_ids TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    caller_json TEXT NOT NULL,
    integration_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    vault_key_id TEXT NOT NULL,
    payload_enc BYTEA NOT NULL,
    payload_ciphertext BYTEA NOT NULL,
    approvers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    decided_at TEXT,
    request_id TEXT,
    envelope BYTEA,
    outcome TEXT
);
CREATE INDEX IF NOT EXISTS approvals_tenant ON approvals (tenant_id, state);
