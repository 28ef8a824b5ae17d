-- Cognito user import jobs, and the CSV files uploaded to them in parts.

-- +goose Up
CREATE TABLE user_import_jobs (
    pool_id            TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    id                 TEXT COLLATE "C" NOT NULL,
    name               TEXT COLLATE "C" NOT NULL,
    role_arn           TEXT COLLATE "C" NOT NULL,
    status             TEXT COLLATE "C" NOT NULL,
    upload             TEXT COLLATE "C" NOT NULL,
    created_at         BIGINT NOT NULL,
    started_at         BIGINT NOT NULL,
    completed_at       BIGINT NOT NULL,
    imported           BIGINT NOT NULL,
    skipped            BIGINT NOT NULL,
    failed             BIGINT NOT NULL,
    completion_message TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, id)
);

CREATE TABLE user_import_parts (
    pool_id TEXT COLLATE "C" NOT NULL,
    job_id  TEXT COLLATE "C" NOT NULL,
    upload  TEXT COLLATE "C" NOT NULL,
    seq     BIGINT NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (pool_id, job_id, upload, seq),
    FOREIGN KEY (pool_id, job_id) REFERENCES user_import_jobs (pool_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE user_import_parts;
DROP TABLE user_import_jobs;
