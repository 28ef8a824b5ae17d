-- The hosted pages' CSS and logo, per pool (client_id 'ALL') or client.

-- +goose Up
CREATE TABLE ui_customizations (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT COLLATE "C" NOT NULL,
    css        TEXT COLLATE "C" NOT NULL,
    image      BYTEA,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, client_id)
);

-- +goose Down
DROP TABLE ui_customizations;
