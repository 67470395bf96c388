ALTER TABLE idempotency_records ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
