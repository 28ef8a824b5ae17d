package waf

import (
	"fmt"
	"strings"
	"sync"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
)

// managedGroups holds one Coraza WAF per managed group and paranoia level,
// built on first use and shared by every ACL in the process: building one
// parses hundreds of CRS rules.
type managedGroups struct {
	mu    sync.Mutex
	built map[groupKey]*builtGroup
}

type groupKey struct {
	group    string
	paranoia int
}

type builtGroup struct {
	once sync.Once
	waf  coraza.WAF
	err  error
}

var sharedGroups = &managedGroups{built: map[groupKey]*builtGroup{}}

// maxCorazaBody is the most body Coraza is given: the largest inspection
// limit AssociationConfig allows.
const maxCorazaBody = 64 * 1024

func (m *managedGroups) get(spec *groupSpec, paranoia int) (coraza.WAF, error) {
	key := groupKey{spec.name, paranoia}
	m.mu.Lock()
	b := m.built[key]
	if b == nil {
		b = &builtGroup{}
		m.built[key] = b
	}
	m.mu.Unlock()
	b.once.Do(func() { b.waf, b.err = buildGroup(spec, paranoia) })
	return b.waf, b.err
}

// buildGroup loads CRS for one group: the recommended Coraza settings
// with the engine detecting only (moat decides from the matches), CRS's
// setup and initialization, the group's rule files, and nothing that
// blocks by itself (no 949 blocking evaluation).
func buildGroup(spec *groupSpec, paranoia int) (coraza.WAF, error) {
	directives := []string{
		"Include @coraza.conf-recommended",
		"SecRuleEngine DetectionOnly",
		"SecRequestBodyAccess On",
		"SecResponseBodyAccess Off",
		fmt.Sprintf("SecRequestBodyLimit %d", maxCorazaBody),
		fmt.Sprintf("SecRequestBodyInMemoryLimit %d", maxCorazaBody),
		"SecRequestBodyLimitAction ProcessPartial",
		"SecRxPreFilter On",
		"SecAuditEngine Off",
		"Include @crs-setup.conf.example",
		fmt.Sprintf(`SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"`, paranoia),
		fmt.Sprintf(`SecAction "id:900001,phase:1,pass,t:none,nolog,setvar:tx.detection_paranoia_level=%d"`, paranoia),
		"Include @owasp_crs/REQUEST-901-INITIALIZATION.conf",
	}
	for _, f := range spec.crsFiles {
		directives = append(directives, "Include @owasp_crs/"+f)
	}
	if spec.crsRemove != "" {
		directives = append(directives, "SecRuleRemoveById "+spec.crsRemove)
	}
	cfg := coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(strings.Join(directives, "\n"))
	w, err := coraza.NewWAF(cfg)
	if err != nil {
		return nil, fmt.Errorf("waf: loading the Core Rule Set for %s: %w", spec.name, err)
	}
	return w, nil
}

// crsFinding is one CRS rule's match, where it matched and its score.
type crsFinding struct {
	id    int
	loc   location
	score int
}

// runCRS passes the request through a group's Coraza instance and returns
// the detection rules that matched.
func runCRS(w coraza.WAF, r *Request, query []pair) []crsFinding {
	tx := w.NewTransaction()
	defer func() {
		tx.ProcessLogging()
		_ = tx.Close()
	}()
	client := ""
	if r.ClientIP.IsValid() {
		client = r.ClientIP.String()
	}
	tx.ProcessConnection(client, 0, "", 0)
	uri := r.Path
	if r.RawQuery != "" {
		uri += "?" + r.RawQuery
	}
	tx.ProcessURI(uri, r.Method, r.Proto)
	if r.Host != "" {
		tx.AddRequestHeader("Host", r.Host)
		tx.SetServerName(r.Host)
	}
	for name, values := range r.Header {
		for _, v := range values {
			tx.AddRequestHeader(name, v)
		}
	}
	tx.ProcessRequestHeaders()
	if r.Body != "" {
		_, _, _ = tx.WriteRequestBody([]byte(r.Body))
	}
	_, _ = tx.ProcessRequestBody()
	var out []crsFinding
	for _, mr := range tx.MatchedRules() {
		score := anomalyScore(mr.Rule().Severity())
		if score == 0 {
			continue
		}
		seen := map[location]bool{}
		for _, md := range mr.MatchedDatas() {
			loc := locate(md.Variable().Name(), md.Key(), query)
			if loc != locNone && !seen[loc] {
				seen[loc] = true
				out = append(out, crsFinding{id: mr.Rule().ID(), loc: loc, score: score})
			}
		}
	}
	return out
}

// anomalyScore is what CRS adds to the inbound anomaly score for a rule
// of this severity (crs-setup's defaults).
func anomalyScore(s types.RuleSeverity) int {
	switch s {
	case types.RuleSeverityCritical:
		return 5
	case types.RuleSeverityError:
		return 4
	case types.RuleSeverityWarning:
		return 3
	case types.RuleSeverityNotice:
		return 2
	}
	return 0
}

// locate names the part of the request a CRS variable is. ARGS and its
// names hold query and body arguments alike; an argument the query has is
// a query argument.
func locate(variable, key string, query []pair) location {
	switch variable {
	case "ARGS_GET", "ARGS_GET_NAMES", "QUERY_STRING":
		return locQuery
	case "ARGS", "ARGS_NAMES":
		for _, p := range query {
			if p.name == key || urlDecode(p.name) == key {
				return locQuery
			}
		}
		return locBody
	case "ARGS_POST", "ARGS_POST_NAMES", "REQUEST_BODY", "XML", "FILES", "FILES_NAMES", "ARGS_COMBINED_SIZE", "REQBODY_ERROR":
		return locBody
	case "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES":
		return locCookie
	case "REQUEST_URI", "REQUEST_URI_RAW", "REQUEST_FILENAME", "REQUEST_BASENAME", "REQUEST_LINE", "PATH_INFO":
		return locURIPath
	case "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES":
		return locHeader
	}
	return locNone
}
