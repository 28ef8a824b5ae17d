package waf

import (
	"net/netip"
	"regexp"
	"slices"
)

// GeoDatabase finds the country (ISO 3166-1 alpha-2) of an address.
type GeoDatabase interface {
	Country(a netip.Addr) (code string, ok bool)
}

var countryCodePattern = regexp.MustCompile(`^[A-Z]{2}$`)

// geoMatch is a compiled GeoMatchStatement.
type geoMatch struct {
	db        GeoDatabase
	countries []string
	fwd       *forwardedIP
}

func (c *compiler) geoMatch(s *GeoMatchStatement) (matcher, error) {
	if c.engine.geo == nil {
		return nil, invalid("GEO_MATCH_STATEMENT", "", "GeoMatchStatement needs a GeoIP database, and moat was started without one: start it with --waf-geoip-db pointing at a MaxMind GeoLite2 or GeoIP2 Country .mmdb file")
	}
	if len(s.CountryCodes) == 0 {
		return nil, invalid("GEO_MATCH_STATEMENT", "", "CountryCodes must list at least one country")
	}
	for _, cc := range s.CountryCodes {
		if !countryCodePattern.MatchString(cc) {
			return nil, invalid("GEO_MATCH_STATEMENT", cc, "CountryCodes are ISO 3166-1 alpha-2 codes such as US or DE")
		}
	}
	m := &geoMatch{db: c.engine.geo, countries: slices.Clone(s.CountryCodes)}
	if cfg := s.ForwardedIPConfig; cfg != nil {
		fwd, err := compileForwardedIP(cfg.HeaderName, cfg.FallbackBehavior, "", false)
		if err != nil {
			return nil, err
		}
		m.fwd = fwd
	}
	return m, nil
}

func (m *geoMatch) matches(ev *evaluation) bool {
	a := ev.req.ClientIP
	if m.fwd != nil {
		fa, present, ok := m.fwd.address(ev.req)
		if !present {
			return false
		}
		if !ok {
			return m.fwd.fallbackMatch
		}
		a = fa
	}
	code, ok := m.db.Country(a)
	return ok && slices.Contains(m.countries, code)
}
