// Package testenv gives tests the real services and clients they need, and
// one policy for when one is missing: skip with a message saying how to get
// it, or — when MOAT_REQUIRE_ALL=1, as .ci/run sets — fail.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"
)

// Missing reports that something the test needs is absent: a skip on a
// developer's machine, a failure in CI.
func Missing(t testing.TB, what, howToGet string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available: %s", what, howToGet)
	if os.Getenv("MOAT_REQUIRE_ALL") == "1" {
		t.Fatal(msg + " (MOAT_REQUIRE_ALL=1 makes this a failure)")
	}
	t.Skip(msg)
}

// PostgresAdminURL is the server tests create their databases on.
func PostgresAdminURL() string {
	if u := os.Getenv("MOAT_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// RedisURL is the Redis server tests use (each test picks its own key prefix).
func RedisURL() string {
	if u := os.Getenv("MOAT_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// NATSURL is the NATS server, with JetStream, tests publish to (each test
// uses its own subjects and streams).
func NATSURL() string {
	if u := os.Getenv("MOAT_TEST_NATS_URL"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// RequireNATS returns NATSURL, or reports NATS missing when nothing
// answers there.
func RequireNATS(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(NATSURL())
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", u.Host, 2*time.Second); err == nil {
			c.Close()
			return NATSURL()
		}
	}
	Missing(t, "NATS at "+NATSURL(), "start it with JetStream (nats-server -js -a 127.0.0.1 -p 4222) or set MOAT_TEST_NATS_URL; error: "+err.Error())
	return ""
}

// JetStreamFor connects to NATS for this test and names a stream of its
// own, with the subject prefix it captures; the stream is deleted and the
// connection closed when the test ends.
func JetStreamFor(t testing.TB, prefix string) (js jetstream.JetStream, url, subject, stream string) {
	t.Helper()
	url = RequireNATS(t)
	suffix := RandomHex(4)
	subject, stream = strings.ToLower(prefix)+"."+suffix, strings.ToUpper(strings.ReplaceAll(prefix, ".", "_"))+"_"+suffix
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	if js, err = jetstream.New(nc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = js.DeleteStream(context.Background(), stream)
		nc.Close()
	})
	return js, url, subject, stream
}

// NewPostgresDatabase creates an empty database for this test and drops it
// when the test ends. It returns the database's URL.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresAdminURL())
	if err != nil {
		Missing(t, "PostgreSQL at "+PostgresAdminURL(), "start it (pg_ctlcluster <version> main start) or set MOAT_TEST_POSTGRES_URL; error: "+err.Error())
		return ""
	}
	defer admin.Close(context.Background())
	name := "moat_test_" + RandomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, PostgresAdminURL())
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(PostgresAdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// LookPath returns the path of an executable the test needs, or reports it missing.
func LookPath(t testing.TB, name, howToGet string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, howToGet)
	}
	return p
}

// RandomHex returns n random bytes, hex-encoded, for unique test names.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NewRedisClient connects to the test Redis and deletes this test's keys
// (every key holding prefix, which the caller makes unique) when the test
// ends.
func NewRedisClient(t testing.TB, prefix string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		Missing(t, "Redis at "+RedisURL(), "install redis-server and start it, or set MOAT_TEST_REDIS_URL; error: "+err.Error())
	}
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := c.Keys(ctx, "*"+prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			err = c.Del(ctx, keys...).Err()
		}
		if err != nil {
			t.Logf("cleaning Redis keys %s*: %v", prefix, err)
		}
		c.Close()
	})
	return c
}

// JWTClaims decodes a JWT's payload without checking its signature (the
// code under test verifies; a test reads what was minted).
func JWTClaims(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}
