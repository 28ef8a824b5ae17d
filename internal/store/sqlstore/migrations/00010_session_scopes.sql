-- A session signed in through the OAuth endpoints keeps the scopes it was
-- granted, so a refresh mints tokens with the same scopes. Sessions of the
-- user-pool API have none ('').

-- +goose Up
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN scopes;
