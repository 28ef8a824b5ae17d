-- API Gateway API keys, usage plans and their durable quota counters
-- (TEXT COLLATE "C" as in 00001, for bytewise order).

-- +goose Up
CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    description  TEXT COLLATE "C" NOT NULL,
    enabled      BOOLEAN NOT NULL,
    value_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    sealed_value BYTEA,
    attributes   BYTEA,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE usage_plans (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL,
    throttle    BYTEA,
    quota       BYTEA,
    attributes  BYTEA,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE usage_plan_stages (
    plan_id          TEXT COLLATE "C" NOT NULL REFERENCES usage_plans (id) ON DELETE CASCADE,
    api_id           TEXT COLLATE "C" NOT NULL,
    stage            TEXT COLLATE "C" NOT NULL,
    method_throttles BYTEA,
    PRIMARY KEY (plan_id, api_id, stage)
);

CREATE TABLE usage_plan_keys (
    plan_id TEXT COLLATE "C" NOT NULL REFERENCES usage_plans (id) ON DELETE CASCADE,
    key_id  TEXT COLLATE "C" NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, key_id)
);
CREATE INDEX usage_plan_keys_by_key ON usage_plan_keys (key_id);

-- One row per (key, plan stage): its primary key is the rule "a key is in
-- only one plan per API stage", and it answers the gateway's lookup.
CREATE TABLE usage_key_stages (
    key_id  TEXT COLLATE "C" NOT NULL,
    api_id  TEXT COLLATE "C" NOT NULL,
    stage   TEXT COLLATE "C" NOT NULL,
    plan_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key_id, api_id, stage),
    FOREIGN KEY (plan_id, key_id) REFERENCES usage_plan_keys (plan_id, key_id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id, api_id, stage) REFERENCES usage_plan_stages (plan_id, api_id, stage) ON DELETE CASCADE
);
CREATE INDEX usage_key_stages_by_plan ON usage_key_stages (plan_id, api_id, stage);

CREATE TABLE usage_counters (
    plan_id TEXT COLLATE "C" NOT NULL,
    key_id  TEXT COLLATE "C" NOT NULL,
    period  TEXT COLLATE "C" NOT NULL,
    used    BIGINT NOT NULL,
    PRIMARY KEY (plan_id, key_id, period),
    FOREIGN KEY (plan_id, key_id) REFERENCES usage_plan_keys (plan_id, key_id) ON DELETE CASCADE
);

CREATE TABLE usage_daily (
    plan_id TEXT COLLATE "C" NOT NULL,
    key_id  TEXT COLLATE "C" NOT NULL,
    day     TEXT COLLATE "C" NOT NULL,
    used    BIGINT NOT NULL,
    PRIMARY KEY (plan_id, key_id, day),
    FOREIGN KEY (plan_id, key_id) REFERENCES usage_plan_keys (plan_id, key_id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE usage_daily;
DROP TABLE usage_counters;
DROP TABLE usage_key_stages;
DROP TABLE usage_plan_keys;
DROP TABLE usage_plan_stages;
DROP TABLE usage_plans;
DROP TABLE api_keys;
