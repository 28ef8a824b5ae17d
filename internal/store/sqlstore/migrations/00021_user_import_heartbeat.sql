-- When an import run last recorded progress: a run whose heartbeat stops
-- (moat stopped or crashed mid-import) is reported Failed, not left
-- InProgress for ever.

-- +goose Up
ALTER TABLE user_import_jobs ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE user_import_jobs DROP COLUMN heartbeat_at;
