-- IAM roles (TEXT COLLATE "C" as in 00001, for bytewise order). name_key is
-- the name lower-cased: IAM role names are unique regardless of case. Tags
-- and inline policies are JSON the store never queries inside.

-- +goose Up
CREATE TABLE roles (
    name_key             TEXT COLLATE "C" PRIMARY KEY,
    name                 TEXT COLLATE "C" NOT NULL,
    id                   TEXT COLLATE "C" NOT NULL UNIQUE,
    arn                  TEXT COLLATE "C" NOT NULL UNIQUE,
    path                 TEXT COLLATE "C" NOT NULL,
    description          TEXT COLLATE "C" NOT NULL,
    assume_role_policy   TEXT COLLATE "C" NOT NULL,
    max_session_duration BIGINT NOT NULL,
    tags                 BYTEA,
    inline_policies      BYTEA,
    created_at           BIGINT NOT NULL
);

-- +goose Down
DROP TABLE roles;
