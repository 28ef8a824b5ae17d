package tempcreds

import (
	"context"
	"testing"
	"time"
)

func BenchmarkIssue(b *testing.B) {
	i := newIssuer(b, openSQLite(b), &clock{t: time.Now()})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := i.Issue(context.Background(), guest(), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the per-request cost: a token already opened once.
func BenchmarkOpen(b *testing.B) {
	i := newIssuer(b, openSQLite(b), &clock{t: time.Now()})
	creds, _ := i.Issue(context.Background(), guest(), 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := i.Open(context.Background(), creds.SessionToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenUncached is the first request of a session on a replica.
func BenchmarkOpenUncached(b *testing.B) {
	i := newIssuer(b, openSQLite(b), &clock{t: time.Now()})
	creds, _ := i.Issue(context.Background(), guest(), 0)
	env, _ := decodeToken(creds.SessionToken)
	aead, _ := i.keys.opening(context.Background(), env.key, time.Now())
	b.ReportAllocs()
	for b.Loop() {
		env, _ := decodeToken(creds.SessionToken)
		if _, ok := env.open(aead); !ok {
			b.Fatal("open failed")
		}
	}
}
