-- The web application firewall: IP sets, regex pattern sets and web ACLs
-- (WAFv2's entities, with their lock tokens), which sets each web ACL
-- references, and which resources each protects. List-valued fields are
-- JSON the store never queries inside; waf_web_acl_references is their
-- queryable twin for the references, so a referenced set cannot go.

-- +goose Up
CREATE TABLE waf_ip_sets (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    name               TEXT COLLATE "C" NOT NULL UNIQUE,
    arn                TEXT COLLATE "C" NOT NULL UNIQUE,
    description        TEXT COLLATE "C" NOT NULL,
    attributes         BYTEA,
    lock_token         TEXT COLLATE "C" NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    ip_address_version TEXT COLLATE "C" NOT NULL,
    addresses          BYTEA NOT NULL
);

CREATE TABLE waf_regex_pattern_sets (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    name                TEXT COLLATE "C" NOT NULL UNIQUE,
    arn                 TEXT COLLATE "C" NOT NULL UNIQUE,
    description         TEXT COLLATE "C" NOT NULL,
    attributes          BYTEA,
    lock_token          TEXT COLLATE "C" NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    regular_expressions BYTEA NOT NULL
);

CREATE TABLE waf_web_acls (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL UNIQUE,
    arn         TEXT COLLATE "C" NOT NULL UNIQUE,
    description TEXT COLLATE "C" NOT NULL,
    attributes  BYTEA,
    lock_token  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    document    BYTEA NOT NULL,
    set_refs    BYTEA NOT NULL
);

CREATE TABLE waf_web_acl_references (
    web_acl_id TEXT COLLATE "C" NOT NULL REFERENCES waf_web_acls (id) ON DELETE CASCADE,
    set_arn    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (web_acl_id, set_arn)
);
CREATE INDEX waf_web_acl_references_by_set ON waf_web_acl_references (set_arn);

CREATE TABLE waf_associations (
    resource_arn TEXT COLLATE "C" PRIMARY KEY,
    web_acl_id   TEXT COLLATE "C" NOT NULL REFERENCES waf_web_acls (id)
);
CREATE INDEX waf_associations_by_web_acl ON waf_associations (web_acl_id);

-- +goose Down
DROP TABLE waf_associations;
DROP TABLE waf_web_acl_references;
DROP TABLE waf_web_acls;
DROP TABLE waf_regex_pattern_sets;
DROP TABLE waf_ip_sets;
