-- Identity pools, their identities, and the logins (provider, subject) each
-- identity is known by; a login belongs to one identity of a pool (TEXT
-- COLLATE "C" as in 00001, for bytewise order). Config, roles and principal
-- tags are JSON the store never queries inside.

-- +goose Up
CREATE TABLE identity_pools (
    id             TEXT COLLATE "C" PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL,
    config         BYTEA,
    roles          BYTEA,
    principal_tags BYTEA,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE identities (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    pool_id                TEXT COLLATE "C" NOT NULL REFERENCES identity_pools (id) ON DELETE CASCADE,
    disabled               BOOLEAN NOT NULL,
    credentials_revoked_at BIGINT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX identities_pool ON identities (pool_id, id);

CREATE TABLE identity_logins (
    pool_id     TEXT COLLATE "C" NOT NULL,
    provider    TEXT COLLATE "C" NOT NULL,
    subject     TEXT COLLATE "C" NOT NULL,
    identity_id TEXT COLLATE "C" NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject)
);
CREATE INDEX identity_logins_identity ON identity_logins (identity_id);

-- +goose Down
DROP TABLE identity_logins;
DROP TABLE identities;
DROP TABLE identity_pools;
