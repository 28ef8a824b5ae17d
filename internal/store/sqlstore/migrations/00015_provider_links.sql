-- Outside providers' users linked to existing pool users.

-- +goose Up
CREATE TABLE provider_links (
    pool_id    TEXT COLLATE "C" NOT NULL,
    provider   TEXT COLLATE "C" NOT NULL,
    subject    TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider, subject),
    FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, user_key) ON DELETE CASCADE
);
CREATE INDEX provider_links_by_user ON provider_links (pool_id, user_key);

-- +goose Down
DROP TABLE provider_links;
