-- IAM roles. name_key is the name lower-cased: IAM role names are unique
-- regardless of case. Tags and inline policies are JSON the store never
-- queries inside.

-- +goose Up
CREATE TABLE roles (
    name_key             TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    id                   TEXT NOT NULL UNIQUE,
    arn                  TEXT NOT NULL UNIQUE,
    path                 TEXT NOT NULL,
    description          TEXT NOT NULL,
    assume_role_policy   TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL,
    tags                 BLOB,
    inline_policies      BLOB,
    created_at           INTEGER NOT NULL
);

-- +goose Down
DROP TABLE roles;
