-- The one schema of both engines, in PostgreSQL's terms; SQLite reads it
-- rewritten (see dialect.go: COLLATE "C" dropped, BYTEA as BLOB, BIGINT and
-- BOOLEAN as INTEGER). Every TEXT column is COLLATE "C" so ordering and
-- comparison are bytewise, as SQLite's default BINARY collation is: listings
-- page identically on both.

-- +goose Up
CREATE TABLE settings (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE user_pools (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    settings   BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE clients (
    id         TEXT COLLATE "C" PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    secret     TEXT COLLATE "C" NOT NULL,
    settings   BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (pool_id, id)
);

CREATE TABLE user_groups (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL,
    role_arn    TEXT COLLATE "C" NOT NULL,
    precedence  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE users (
    pool_id       TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    user_key      TEXT COLLATE "C" NOT NULL,
    username      TEXT COLLATE "C" NOT NULL,
    sub           TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    enabled       BOOLEAN NOT NULL,
    password_hash TEXT COLLATE "C" NOT NULL,
    state         BYTEA,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_key),
    UNIQUE (pool_id, sub)
);

CREATE TABLE user_attributes (
    pool_id  TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    name     TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, user_key, name),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX user_attributes_by_value ON user_attributes (pool_id, name, value);

CREATE TABLE group_members (
    pool_id    TEXT COLLATE "C" NOT NULL,
    group_name TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES user_groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (pool_id, user_key);

CREATE TABLE signing_keys (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid         TEXT COLLATE "C" NOT NULL,
    key_use     TEXT COLLATE "C" NOT NULL,
    algorithm   TEXT COLLATE "C" NOT NULL,
    private_pem TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

CREATE TABLE refresh_tokens (
    hash       TEXT COLLATE "C" PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    origin_jti TEXT COLLATE "C" NOT NULL,
    auth_time  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL,
    FOREIGN KEY (pool_id, client_id) REFERENCES clients (pool_id, id) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_origin ON refresh_tokens (pool_id, origin_jti);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool_id, user_key);
CREATE INDEX refresh_tokens_by_client ON refresh_tokens (pool_id, client_id);

-- +goose Down
DROP TABLE refresh_tokens;
DROP TABLE signing_keys;
DROP TABLE group_members;
DROP TABLE user_attributes;
DROP TABLE users;
DROP TABLE user_groups;
DROP TABLE clients;
DROP TABLE user_pools;
DROP TABLE settings;
