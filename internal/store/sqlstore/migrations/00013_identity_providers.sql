-- Identity providers user pools federate (OIDC, SAML); details is sealed.

-- +goose Up
CREATE TABLE identity_providers (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    type        TEXT COLLATE "C" NOT NULL,
    details     TEXT COLLATE "C" NOT NULL,
    mapping     BYTEA,
    identifiers BYTEA,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

-- +goose Down
DROP TABLE identity_providers;
