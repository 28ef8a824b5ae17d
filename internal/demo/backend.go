package demo

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Headers the demo API's authorizer fills from the verified ID token; the
// gateway removes client-sent copies, so the backend can trust them.
const (
	userHeader   = "X-Moat-User"   // cognito:username
	groupsHeader = "X-Moat-Groups" // cognito:groups, comma-separated
	// Identity-pool callers of the dApp's SigV4 routes.
	identityHeader = "X-Moat-Identity-Id"
	authTypeHeader = "X-Moat-Auth-Type" // authenticated or unauthenticated
)

// Limits that keep a public demo's memory bounded.
const (
	maxDragons   = 100
	maxBodyBytes = 4 << 10
	maxNameRunes = 64
)

// dragon is one entry of the list.
type dragon struct {
	Name    string `json:"name"`
	AddedBy string `json:"addedBy"`
}

// dragons is the backend's state, in memory: a restart forgets added dragons.
type dragons struct {
	mu   sync.Mutex
	list []dragon
}

// newBackend serves the dragons API and the demo site. It trusts the
// gateway in front of it to have checked the caller, as any backend behind
// API Gateway does; it listens on loopback only.
func newBackend(site siteConfig, dapp dappConfig, provider nftProvider) http.Handler {
	d := &dragons{list: []dragon{{Name: "Vermithrax", AddedBy: "moat"}, {Name: "Norbert", AddedBy: "moat"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dragons", d.serveList)
	mux.HandleFunc("POST /dragons", d.serveAdd)
	mux.Handle("GET /demo-config.json", serveConfig(site))
	mux.Handle("GET /dapp/config.json", serveConfig(dapp))
	mux.Handle("GET /dapp/", dappFiles())
	provider.routes(mux)
	mux.Handle("GET /", siteFiles())
	return mux
}

func (d *dragons) serveList(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	list := append([]dragon(nil), d.list...)
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"askedBy": caller(r), "dragons": list})
}

func (d *dragons) serveAdd(w http.ResponseWriter, r *http.Request) {
	name, err := parseNewDragon(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	added := dragon{Name: name, AddedBy: r.Header.Get(userHeader)}
	d.mu.Lock()
	full := len(d.list) >= maxDragons
	if !full {
		d.list = append(d.list, added)
	}
	d.mu.Unlock()
	if full {
		writeJSON(w, http.StatusConflict, map[string]string{"message": "the demo keeps at most 100 dragons; restart moat to start over"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"askedBy": caller(r), "dragon": added})
}

// caller is who the gateway says made the request, echoed so the demo shows
// that verified claims reach the backend.
func caller(r *http.Request) map[string]any {
	groups := []string{}
	if g := r.Header.Get(groupsHeader); g != "" {
		groups = strings.Split(g, ",")
	}
	return map[string]any{"username": r.Header.Get(userHeader), "groups": groups}
}

// parseNewDragon reads {"name": "..."}: a name of 1 to 64 printable characters.
func parseNewDragon(body io.Reader) (string, error) {
	var in struct {
		Name *string `json:"name"`
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return "", errors.New(`the body must be JSON like {"name":"Smaug"}`)
	}
	if dec.More() {
		return "", errors.New("the body must be one JSON object")
	}
	if in.Name == nil {
		return "", errors.New("name is required")
	}
	name := strings.TrimSpace(*in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxNameRunes || strings.IndexFunc(name, notPrintable) >= 0 {
		return "", errors.New("name must be 1 to 64 printable characters")
	}
	return name, nil
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
