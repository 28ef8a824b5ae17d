-- Identity pools, their identities, and the logins (provider, subject) each
-- identity is known by; a login belongs to one identity of a pool. Config,
-- roles and principal tags are JSON the store never queries inside.

-- +goose Up
CREATE TABLE identity_pools (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    config         BLOB,
    roles          BLOB,
    principal_tags BLOB,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE identities (
    id                     TEXT PRIMARY KEY,
    pool_id                TEXT NOT NULL REFERENCES identity_pools (id) ON DELETE CASCADE,
    disabled               INTEGER NOT NULL,
    credentials_revoked_at INTEGER NOT NULL,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX identities_pool ON identities (pool_id, id);

CREATE TABLE identity_logins (
    pool_id     TEXT NOT NULL,
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject)
);
CREATE INDEX identity_logins_identity ON identity_logins (identity_id);

-- +goose Down
DROP TABLE identity_logins;
DROP TABLE identities;
DROP TABLE identity_pools;
