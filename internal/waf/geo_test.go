package waf

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// writeCountryDB writes a small GeoLite2-Country-shaped database mapping
// each CIDR to a country.
func writeCountryDB(t *testing.T, dbType string, countries map[string]string) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, cc := range countries {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(network, mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(cc)}}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "country.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGeoMatchWithAMaxMindDatabase(t *testing.T) {
	db, err := OpenMMDB(writeCountryDB(t, "GeoLite2-Country", map[string]string{"1.0.0.0/8": "AU", "192.0.2.0/24": "DE", "2001:db8::/32": "FR"}))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := newTestEngine(t, Config{Geo: db})
	acl := mustCompile(t, e, aclWithRules(
		blockRule("geo", 0, `{"GeoMatchStatement":{"CountryCodes":["DE","FR"]}}`)+","+
			blockRule("geo-fwd", 1, `{"GeoMatchStatement":{"CountryCodes":["AU"],"ForwardedIPConfig":{"HeaderName":"X-Forwarded-For","FallbackBehavior":"NO_MATCH"}}}`)), Sets{})
	for _, c := range []struct {
		r    *Request
		rule string
	}{
		{get("192.0.2.7", "/"), "geo"},
		{get("2001:db8::5", "/"), "geo"},
		{get("1.2.3.4", "/"), DefaultActionRule},
		{get("198.51.100.1", "/"), DefaultActionRule},
		{get("198.51.100.1", "/", "X-Forwarded-For", "1.2.3.4"), "geo-fwd"},
		{get("198.51.100.1", "/", "X-Forwarded-For", "garbage"), DefaultActionRule},
	} {
		if d := decide(t, acl, c.r); d.TerminatingRule != c.rule {
			t.Errorf("%s %v: decided by %s, want %s", c.r.ClientIP, c.r.Header["X-Forwarded-For"], d.TerminatingRule, c.rule)
		}
	}
}

func TestOpenMMDBRefusesWhatIsNotOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not.mmdb")
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenMMDB(path); err == nil {
		t.Fatal("a file that is no database was accepted")
	}
	if _, err := OpenMMDB(writeCountryDB(t, "GeoLite2-ASN", map[string]string{"1.0.0.0/8": "AU"})); err == nil || !strings.Contains(err.Error(), "GeoLite2-ASN") {
		t.Fatalf("an ASN database: %v, want refused by its type", err)
	}
}
