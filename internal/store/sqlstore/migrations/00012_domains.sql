-- User pool domains: a prefix domain and a custom domain per pool at most.

-- +goose Up
CREATE TABLE user_pool_domains (
    domain     TEXT COLLATE "C" PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    custom     BOOLEAN NOT NULL,
    settings   BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (pool_id, custom)
);

-- +goose Down
DROP TABLE user_pool_domains;
