-- One-time values already used (wallet sign-in nonces), kept until they expire.

-- +goose Up
CREATE TABLE used_nonces (
    scope      TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, nonce)
);
CREATE INDEX used_nonces_expiry ON used_nonces (expires_at);

-- +goose Down
DROP TABLE used_nonces;
