package iam

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// parseNumber reads a Numeric operator value: an integer or decimal.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// dateLayouts are the ISO 8601 forms accepted besides epoch seconds
// ("Condition operators", Date condition operators: "W3C implementations of
// the ISO 8601 date formats" or epoch time). A value without a zone is UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z07:00",
	"20060102T150405",
	"20060102",
}

func parseDate(s string) (time.Time, bool) {
	if isEpoch(s) {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(secs, 0), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isEpoch(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseBool reads a Bool value; IAM writes them "true" and "false".
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseNetwork reads an IpAddress value: a CIDR block or a single address,
// IPv4 or IPv6 (RFC 4632 and RFC 4291 notation).
func parseNetwork(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if a := p.Addr(); a.Is4In6() {
			// Request addresses are unmapped (parseAddr), so the block is too.
			if p.Bits() < 96 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, ok := parseAddr(s)
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseAddr reads an address, treating an IPv4-mapped IPv6 address as the
// IPv4 address it carries so IPv4 blocks still apply to it.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

// parseBinary reads a BinaryEquals value, which is base64-encoded.
func parseBinary(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}
