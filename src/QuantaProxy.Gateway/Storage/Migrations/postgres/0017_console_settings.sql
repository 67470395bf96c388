CREATE TABLE IF NOT EXISTS console_settings (
    tenant_id TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    role_groups TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
