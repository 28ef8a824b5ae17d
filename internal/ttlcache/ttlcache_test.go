package ttlcache

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func at(seconds int) time.Time { return t0.Add(time.Duration(seconds) * time.Second) }

// An entry is never returned at or after its deadline: its own, or the
// cache's maximum age if that comes first.
func TestNeverOutlivesItsDeadline(t *testing.T) {
	c := New[string, int](16, 10*time.Second)
	c.Put("own", 1, at(5), at(0))
	c.Put("capped", 2, at(3600), at(0))
	c.Put("past", 3, at(0), at(0))
	for _, tc := range []struct {
		key  string
		when int
		want bool
	}{
		{"own", 4, true}, {"own", 5, false},
		{"capped", 9, true}, {"capped", 10, false},
		{"past", 0, false},
	} {
		if _, ok := c.Get(tc.key, at(tc.when)); ok != tc.want {
			t.Errorf("%s at %ds: found %v, want %v", tc.key, tc.when, ok, tc.want)
		}
	}
	if c.Len() != 2 {
		t.Errorf("%d entries; a value already lapsed must not be stored", c.Len())
	}
	uncapped := New[string, int](16, 0)
	uncapped.Put("k", 1, at(1_000_000), at(0))
	if _, ok := uncapped.Get("k", at(999_999)); !ok {
		t.Error("an uncapped entry lapsed before its deadline")
	}
}

// A value loaded before a removal and stored after it is dropped: it may
// be what the removal revoked.
func TestRemovalWinsOverAConcurrentLoad(t *testing.T) {
	for name, remove := range map[string]func(c *Cache[string, int]){
		"Remove":   func(c *Cache[string, int]) { c.Remove("other") },
		"RemoveIf": func(c *Cache[string, int]) { c.RemoveIf(func(string, int) bool { return false }) },
		"Clear":    func(c *Cache[string, int]) { c.Clear() },
	} {
		c := New[string, int](16, 0)
		ticket := c.Ticket()
		remove(c)
		if c.PutUnlessRemoved(ticket, "k", 1, at(60), at(0)) {
			t.Errorf("%s: a load that began before it was stored", name)
		}
		if _, ok := c.Get("k", at(0)); ok {
			t.Errorf("%s: a load that began before it is served", name)
		}
		if !c.PutUnlessRemoved(c.Ticket(), "k", 1, at(60), at(0)) {
			t.Errorf("%s: a load after it was dropped", name)
		}
	}
	c := New[string, int](16, 0)
	c.Put("a", 1, at(60), at(0))
	c.Put("b", 2, at(60), at(0))
	c.RemoveIf(func(k string, v int) bool { return v == 1 })
	if _, ok := c.Get("a", at(0)); ok {
		t.Error("RemoveIf kept what it was asked to drop")
	}
	if _, ok := c.Get("b", at(0)); !ok {
		t.Error("RemoveIf dropped what it was asked to keep")
	}
}

// The cache stays within its size however many keys clients choose; when
// full, lapsed entries go before live ones and the newest entry stays.
func TestBounded(t *testing.T) {
	c := New[int, int](16, 0)
	for i := range 8 {
		c.Put(-1-i, i, at(10), at(0)) // lapse at 10 s
	}
	for i := range 1000 {
		c.Put(i, i, at(100), at(20))
		if c.Len() > 16 {
			t.Fatalf("%d entries in a cache of 16", c.Len())
		}
		if v, ok := c.Get(i, at(20)); !ok || v != i {
			t.Fatalf("the newest entry %d was evicted", i)
		}
	}
	c = New[int, int](16, 0)
	for i := range 8 {
		c.Put(-1-i, i, at(10), at(0))
	}
	for i := range 9 { // at 20 s the first eight have lapsed; the ninth put must make room
		c.Put(i, i, at(100), at(20))
	}
	live := 0
	for i := range 9 {
		if _, ok := c.Get(i, at(20)); ok {
			live++
		}
	}
	if live != 9 {
		t.Errorf("%d of 9 live entries survived while lapsed ones were there to evict", live)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New[int, int](64, time.Minute)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := (g*31 + i) % 200
				c.Put(k, i, at(30), at(0))
				c.Get(k, at(1))
				if i%97 == 0 {
					c.PutUnlessRemoved(c.Ticket(), k, i, at(30), at(0))
					c.Remove(k)
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 64 {
		t.Fatalf("%d entries in a cache of 64", c.Len())
	}
}

func TestGetAllocatesNothing(t *testing.T) {
	c := New[[32]byte, *int](16, 0)
	v := 1
	c.Put([32]byte{1}, &v, at(60), at(0))
	if n := testing.AllocsPerRun(100, func() { c.Get([32]byte{1}, at(1)) }); n != 0 {
		t.Errorf("Get allocates %v times", n)
	}
}

func BenchmarkGet(b *testing.B) {
	c := New[[32]byte, *int](10_000, 0)
	v := 1
	c.Put([32]byte{1}, &v, at(60), at(0))
	now := at(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Get([32]byte{1}, now); !ok {
			b.Fatal("miss")
		}
	}
}
