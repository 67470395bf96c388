-- What an approver reads about a held call, kept with it when it is held: the @reason of each determining policy (a JSON
-- array aligned with policy_ids) and the agent record that asked. Rows held before this migration have neither (NULL).
ALTER TABLE approvals ADD COLUMN reasons TEXT;
ALTER TABLE approvals ADD COLUMN agent_id TEXT;
CREATE INDEX IF NOT EXISTS approvals_tenant_id ON approvals (tenant_id, id);
