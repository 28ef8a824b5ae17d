package siwe

import (
	"errors"
	"strings"
	"testing"
)

// base is a valid message with every optional part; the cases below edit it.
const base = "https://example.com wants you to sign in with your Ethereum account:\n" +
	"0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n" +
	"Sign in to moat\n\n" +
	"URI: https://example.com/login\n" +
	"Version: 1\n" +
	"Chain ID: 1\n" +
	"Nonce: 32891757abc\n" +
	"Issued At: 2021-09-30T16:25:24.000Z\n" +
	"Expiration Time: 2021-09-30T17:25:24Z\n" +
	"Not Before: 2021-09-30T16:25:24+02:00\n" +
	"Request ID: some_id%20:@\n" +
	"Resources:\n" +
	"- ipfs://Qme7ss3ARVgxv6rXqVPiikMJ8u2NLgmgszg13pYrDKEoiu\n" +
	"- urn:recap:eyJhdHQiOnt9fQ"

func edit(old, new string) string {
	if !strings.Contains(base, old) {
		panic("base lacks " + old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseMessageEdgesAccepted(t *testing.T) {
	for name, msg := range map[string]string{
		"every optional part":       base,
		"empty statement":           edit("Sign in to moat\n", "\n"),
		"bare Resources":            strings.Split(base, "\n- ")[0],
		"empty request ID":          edit("Request ID: some_id%20:@", "Request ID: "),
		"lower-case t and z":        edit("2021-09-30T16:25:24.000Z", "2021-09-30t16:25:24.000z"),
		"long fraction":             edit("24.000Z", "24.0000000000001Z"),
		"statement of URI chars":    edit("Sign in to moat", "Terms: https://x.org/a?b=c#d [ok] !$&'()*+,;= ~"),
		"statement like a field":    edit("Sign in to moat", "URI: https://example.com/login"),
		"IPv6 and userinfo domain":  edit("https://example.com", "user:pw@[2001:db8::1]:8443"),
		"IPvFuture domain":          edit("https://example.com", "[v1.fe80::a+en1]"),
		"scheme with plus and dot":  edit("https://", "git+ssh.x://"),
		"largest chain ID":          edit("Chain ID: 1\n", "Chain ID: 18446744073709551615\n"),
		"URI without authority":     edit("URI: https://example.com/login", "URI: urn:ietf:rfc:3986"),
		"URI with empty path host":  edit("URI: https://example.com/login", "URI: file:///etc/hosts"),
		"percent-encoded URI":       edit("https://example.com/login", "https://example.com/l%C3%B6gin?q=%20"),
		"only required parts":       strings.Split(base, "\nExpiration Time")[0],
		"only resources optional":   strings.Split(base, "\nExpiration Time")[0] + "\nResources:\n- https://a.b",
		"resources no entries last": strings.Split(base, "\nRequest ID")[0] + "\nResources:",
	} {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMessage(msg)
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			if m.String() != msg {
				t.Fatalf("writes back as\n%q\nnot\n%q", m.String(), msg)
			}
		})
	}
}

func TestParseMessageDistinguishesOptionalParts(t *testing.T) {
	empty, err := ParseMessage(edit("Sign in to moat\n", "\n"))
	if err != nil || empty.Statement == nil || *empty.Statement != "" {
		t.Fatalf("empty statement: %+v, %v", empty, err)
	}
	none, err := ParseMessage(edit("Sign in to moat\n\n", "\n"))
	if err != nil || none.Statement != nil {
		t.Fatalf("no statement: %+v, %v", none, err)
	}
	bare, err := ParseMessage(strings.Split(base, "\n- ")[0])
	if err != nil || bare.Resources == nil || len(bare.Resources) != 0 {
		t.Fatalf("bare Resources: %#v, %v", bare, err)
	}
	full, err := ParseMessage(base)
	if err != nil {
		t.Fatal(err)
	}
	if full.Scheme != "https" || full.Domain != "example.com" || full.ChainID != 1 || len(full.Resources) != 2 ||
		*full.RequestID != "some_id%20:@" || full.NotBefore.Time().UTC().Hour() != 14 {
		t.Fatalf("fields: %+v", full)
	}
}

func TestParseMessageEdgesRefused(t *testing.T) {
	for name, c := range map[string]struct{ msg, mentions string }{
		"trailing newline":         {base + "\n", "line 17"},
		"CRLF line ends":           {strings.ReplaceAll(base, "\n", "\r\n"), "line 1"},
		"all-upper-case address":   {edit("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2"), "EIP-55"},
		"short address":            {edit("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc"), "address"},
		"statement with percent":   {edit("Sign in to moat", "100% safe"), "statement"},
		"statement with quote":     {edit("Sign in to moat", `say "hi"`), "statement"},
		"statement non-ASCII":      {edit("Sign in to moat", "Anmeldung für moat"), "statement"},
		"statement without blank":  {edit("Sign in to moat\n\n", "Sign in to moat\n"), "line 4"},
		"bad scheme":               {edit("https://", "1https://"), "scheme"},
		"empty scheme":             {edit("https://", "://"), "scheme"},
		"port not digits":          {edit("https://example.com", "example.com:http"), "domain"},
		"empty host":               {edit("https://example.com", "user@:80"), "domain"},
		"IPv6 zone":                {edit("https://example.com", "[fe80::1%25en0]"), "domain"},
		"bad IPv6":                 {edit("https://example.com", "[::cafe::]"), "domain"},
		"two @ in domain":          {edit("https://example.com", "a@b@example.com"), "domain"},
		"bad percent in URI":       {edit("https://example.com/login", "https://example.com/%zz"), "URI"},
		"space in URI":             {edit("https://example.com/login", "https://example.com/a b"), "URI"},
		"version 1.0":              {edit("Version: 1", "Version: 1.0"), "version"},
		"chain ID 0":               {edit("Chain ID: 1\n", "Chain ID: 0\n"), "chain ID"},
		"chain ID leading zero":    {edit("Chain ID: 1\n", "Chain ID: 01\n"), "chain ID"},
		"chain ID overflow":        {edit("Chain ID: 1\n", "Chain ID: 18446744073709551616\n"), "chain ID"},
		"chain ID signed":          {edit("Chain ID: 1\n", "Chain ID: +1\n"), "chain ID"},
		"nonce with symbol":        {edit("32891757abc", "32891757-abc"), "nonce"},
		"Feb 30":                   {edit("2021-09-30T16:25:24.000Z", "2021-02-30T16:25:24.000Z"), "line 10"},
		"comma fraction":           {edit("24.000Z", "24,000Z"), "line 10"},
		"offset 24:00":             {edit("24+02:00", "24+24:00"), "line 12"},
		"no offset":                {edit("24.000Z", "24.000"), "line 10"},
		"empty fraction":           {edit("24.000Z", "24.Z"), "line 10"},
		"space before field":       {edit("\nVersion: 1", "\n Version: 1"), "line 7"},
		"lower-case tag":           {edit("Nonce: ", "nonce: "), "line 9"},
		"duplicate request ID":     {edit("Request ID: some_id%20:@\n", "Request ID: a\nRequest ID: b\n"), "line 14"},
		"request ID with slash":    {edit("Request ID: some_id%20:@", "Request ID: a/b"), "request ID"},
		"resource without dash":    {edit("- urn:recap", "urn:recap"), "line 16"},
		"one line":                 {"example.com wants you to sign in with your Ethereum account:", "line 2"},
		"header in other case":     {edit("wants you", "Wants you"), "line 1"},
		"empty":                    {"", "line 1"},
		"ends after the issued-at": {strings.Split(base, "\nIssued At")[0], "line 10"},
		"too long":                 {edit("Sign in to moat", strings.Repeat("a", MaxMessageBytes)), "longer than"},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMessage(c.msg)
			if err == nil {
				t.Fatalf("accepted: %q", m)
			}
			if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), c.mentions) {
				t.Fatalf("error %q should wrap ErrInvalidMessage and mention %q", err, c.mentions)
			}
		})
	}
}
