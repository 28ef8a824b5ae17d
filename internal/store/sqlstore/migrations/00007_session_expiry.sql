-- Expired sessions are swept by expiry; the index keeps the sweep from
-- reading every session.

-- +goose Up
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- +goose Down
DROP INDEX refresh_tokens_by_expiry;
