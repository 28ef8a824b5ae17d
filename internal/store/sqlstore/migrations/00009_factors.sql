-- What users prove themselves with besides a password: secrets sealed at
-- rest (a TOTP key), passkeys and remembered devices. Each goes with its user.

-- +goose Up
CREATE TABLE user_secrets (
    pool_id    TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    value      TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_key, name),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);

CREATE TABLE passkeys (
    pool_id    TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    rp_id      TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    record     BYTEA,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_key, id),
    UNIQUE (pool_id, id),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);

CREATE TABLE devices (
    pool_id      TEXT COLLATE "C" NOT NULL,
    user_key     TEXT COLLATE "C" NOT NULL,
    device_key   TEXT COLLATE "C" NOT NULL,
    group_key    TEXT COLLATE "C" NOT NULL,
    record       BYTEA,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    last_auth_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_key, device_key),
    UNIQUE (pool_id, device_key),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE devices;
DROP TABLE passkeys;
DROP TABLE user_secrets;
