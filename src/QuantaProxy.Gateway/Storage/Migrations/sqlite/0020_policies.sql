CREATE TABLE IF NOT EXISTS policy_sets (
    tenant_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    policy_text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    policy_count BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
CREATE TABLE IF NOT EXISTS policy_call_counts (
    tenant_id TEXT NOT NULL,
    principal TEXT NOT NULL,
    day TEXT NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, principal, day)
);
CREATE TABLE IF NOT EXISTS kill_switches (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, target_type, target_id)
);
