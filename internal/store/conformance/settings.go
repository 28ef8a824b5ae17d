package conformance

import (
	"sync"
	"testing"

	"github.com/moat-dev/moat/internal/store"
)

func testSettings(t *testing.T, s store.Store) {
	_, err := s.GetSetting(ctx, "admin")
	want(t, err, store.ErrNotFound, "GetSetting before any put")

	v, err := s.PutSettingIfAbsent(ctx, "admin", "first")
	must(t, err, "PutSettingIfAbsent")
	same(t, v, "first", "value in force after first put")

	v, err = s.PutSettingIfAbsent(ctx, "admin", "second")
	must(t, err, "PutSettingIfAbsent again")
	same(t, v, "first", "value in force after second put")

	found(t, "first", "GetSetting")(s.GetSetting(ctx, "admin"))

	v, err = s.PutSettingIfAbsent(ctx, "other", "")
	must(t, err, "PutSettingIfAbsent empty value")
	same(t, v, "", "empty value")
}

// testConcurrentSettings: racing first starts must all see one winner.
func testConcurrentSettings(t *testing.T, s store.Store) {
	const n = 10
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = s.PutSettingIfAbsent(ctx, "server-key", string(rune('a'+i)))
		})
	}
	wg.Wait()
	for i := range n {
		must(t, errs[i], "concurrent PutSettingIfAbsent")
		same(t, got[i], got[0], "value every racer sees")
	}
	v, err := s.GetSetting(ctx, "server-key")
	must(t, err, "GetSetting")
	same(t, v, got[0], "stored value")
}
