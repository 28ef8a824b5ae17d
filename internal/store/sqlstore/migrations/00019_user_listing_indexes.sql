-- ListUsers filtered on a value lists by that value, then key, so each
-- filter reads one ordered index range and stops at the page's end,
-- however many users a pool has (a prefix is a range, not a scan). The
-- attributes' value index (pool_id, name, value) serves already; these
-- serve the filters on the users table's own columns.

-- +goose Up
CREATE INDEX users_by_username ON users (pool_id, username, user_key);
CREATE INDEX users_by_status ON users (pool_id, status, user_key);

-- +goose Down
DROP INDEX users_by_status;
DROP INDEX users_by_username;
