package waf

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// MMDB is a GeoDatabase read from a MaxMind database file (GeoLite2 or
// GeoIP2 Country or City, or any .mmdb with their country record).
type MMDB struct {
	reader *maxminddb.Reader
}

// OpenMMDB opens a MaxMind .mmdb file; the caller closes it.
func OpenMMDB(path string) (*MMDB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("waf: GeoIP database %s: %w (give a MaxMind GeoLite2-Country.mmdb or GeoIP2 file)", path, err)
	}
	kind := strings.ToLower(r.Metadata.DatabaseType)
	if !strings.Contains(kind, "country") && !strings.Contains(kind, "city") && !strings.Contains(kind, "enterprise") {
		r.Close()
		return nil, fmt.Errorf("waf: GeoIP database %s is a %q database; GeoMatchStatement needs one with countries (GeoLite2-Country, GeoIP2-City, …)", path, r.Metadata.DatabaseType)
	}
	return &MMDB{reader: r}, nil
}

type countryRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	// RegisteredCountry answers for addresses (anycast, satellites) whose
	// users' country is not known.
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
}

func (m *MMDB) Country(a netip.Addr) (string, bool) {
	if !a.IsValid() {
		return "", false
	}
	var rec countryRecord
	if err := m.reader.Lookup(a.Unmap()).Decode(&rec); err != nil {
		return "", false
	}
	if rec.Country.ISOCode != "" {
		return rec.Country.ISOCode, true
	}
	return rec.RegisteredCountry.ISOCode, rec.RegisteredCountry.ISOCode != ""
}

func (m *MMDB) Close() error { return m.reader.Close() }
