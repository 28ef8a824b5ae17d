-- PostgreSQL only. A filtered ListUsers page is ordered by value, then
-- key: with the key in the value index, PostgreSQL reads a prefix's range
-- in that order and stops at the page's end, where the index without it
-- made it read and sort the whole range (4.4 s for a prefix every one of
-- a million users matches). On SQLite the longer index, being covering,
-- is what its planner would then take for reading a user's attributes by
-- pool instead of by key (TestUserQueryPlans), so it keeps the short one.
-- Built CONCURRENTLY, outside a transaction, so a pool with a million users
-- keeps taking writes while its index is built; each step can run again
-- (a build cut off leaves an invalid index, dropped first).

-- +goose NO TRANSACTION
-- +goose Up
DROP INDEX CONCURRENTLY IF EXISTS user_attributes_by_value_key;
CREATE INDEX CONCURRENTLY user_attributes_by_value_key ON user_attributes (pool_id, name, value, user_key);
DROP INDEX CONCURRENTLY IF EXISTS user_attributes_by_value;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS user_attributes_by_value;
CREATE INDEX CONCURRENTLY user_attributes_by_value ON user_attributes (pool_id, name, value);
DROP INDEX CONCURRENTLY IF EXISTS user_attributes_by_value_key;
