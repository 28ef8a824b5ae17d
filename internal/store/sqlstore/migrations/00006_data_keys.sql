-- Data keys that seal secret columns, each wrapped under the master key
-- (key-encryption key) the operator keeps outside the database.

-- +goose Up
CREATE TABLE data_keys (
    id            TEXT COLLATE "C" PRIMARY KEY,
    master_key_id TEXT COLLATE "C" NOT NULL,
    wrapped       TEXT COLLATE "C" NOT NULL,
    created_at    BIGINT NOT NULL
);

-- +goose Down
DROP TABLE data_keys;
