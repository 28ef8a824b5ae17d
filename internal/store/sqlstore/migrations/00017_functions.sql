-- Lambda functions, their code (one zip per function and code version,
-- kept with the function so every replica can run it) and their queued
-- asynchronous invocations. environment is sealed; architectures is JSON.

-- +goose Up
CREATE TABLE functions (
    name                 TEXT COLLATE "C" PRIMARY KEY,
    arn                  TEXT COLLATE "C" NOT NULL UNIQUE,
    runtime              TEXT COLLATE "C" NOT NULL,
    handler              TEXT NOT NULL,
    role                 TEXT NOT NULL,
    description          TEXT NOT NULL,
    timeout              BIGINT NOT NULL,
    memory_size          BIGINT NOT NULL,
    architectures        BYTEA,
    environment          TEXT NOT NULL,
    url                  TEXT NOT NULL,
    code_sha256          TEXT COLLATE "C" NOT NULL,
    code_size            BIGINT NOT NULL,
    reserved_concurrency BIGINT NOT NULL,
    policy               TEXT NOT NULL,
    revision_id          TEXT COLLATE "C" NOT NULL,
    last_modified        BIGINT NOT NULL
);

CREATE TABLE function_code (
    function_name TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    sha256        TEXT COLLATE "C" NOT NULL,
    zip           BYTEA NOT NULL,
    PRIMARY KEY (function_name, sha256)
);

CREATE TABLE function_events (
    id              TEXT COLLATE "C" PRIMARY KEY,
    function_name   TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    payload         BYTEA NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX function_events_due ON function_events (next_attempt_at, created_at);

-- +goose Down
DROP TABLE function_events;
DROP TABLE function_code;
DROP TABLE functions;
