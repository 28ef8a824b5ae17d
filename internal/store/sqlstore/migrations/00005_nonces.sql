-- One-time values already used (wallet sign-in nonces), kept until they expire.

-- +goose Up
CREATE TABLE used_nonces (
    scope      TEXT COLLATE "C" NOT NULL,
    nonce      TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, nonce)
);
CREATE INDEX used_nonces_expiry ON used_nonces (expires_at);

-- +goose Down
DROP TABLE used_nonces;
