-- SQLite compares TEXT bytewise (BINARY collation), which is the order every
-- listing promises; the PostgreSQL schema asks for COLLATE "C" to match.

-- +goose Up
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE user_pools (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    settings   BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE clients (
    id         TEXT PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    secret     TEXT NOT NULL,
    settings   BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (pool_id, id)
);

CREATE TABLE user_groups (
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    role_arn    TEXT NOT NULL,
    precedence  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE users (
    pool_id       TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    user_key      TEXT NOT NULL,
    username      TEXT NOT NULL,
    sub           TEXT NOT NULL,
    status        TEXT NOT NULL,
    enabled       INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    state         BLOB,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, user_key),
    UNIQUE (pool_id, sub)
);

CREATE TABLE user_attributes (
    pool_id  TEXT NOT NULL,
    user_key TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (pool_id, user_key, name),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX user_attributes_by_value ON user_attributes (pool_id, name, value);

CREATE TABLE group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES user_groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (pool_id, user_key);

CREATE TABLE signing_keys (
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid         TEXT NOT NULL,
    key_use     TEXT NOT NULL,
    algorithm   TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    origin_jti TEXT NOT NULL,
    auth_time  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL,
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
