-- The outbox: events written in the same transaction as the change they
-- describe, each delivery target's place in it, the events a target holds
-- back (retrying, queued behind another of their stream, or dead), and the
-- leases that keep delivery on one replica at a time.

-- +goose Up
CREATE TABLE event_outbox (
    seq        BIGSERIAL PRIMARY KEY,
    id         TEXT COLLATE "C" NOT NULL UNIQUE,
    stream     TEXT COLLATE "C" NOT NULL,
    body       BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE event_cursors (
    target TEXT COLLATE "C" PRIMARY KEY,
    seq    BIGINT NOT NULL
);

CREATE TABLE event_holds (
    target          TEXT COLLATE "C" NOT NULL,
    seq             BIGINT NOT NULL,
    stream          TEXT COLLATE "C" NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    dead_at         BIGINT NOT NULL,
    PRIMARY KEY (target, seq)
);
CREATE INDEX event_holds_by_seq ON event_holds (seq);

CREATE TABLE leases (
    name       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE leases;
DROP TABLE event_holds;
DROP TABLE event_cursors;
DROP TABLE event_outbox;
