package functions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/moat-dev/moat/internal/fanout"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/tempcreds"
	"github.com/moat-dev/moat/internal/ttlcache"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for Config.
const (
	DefaultMaxConcurrency = 100
	DefaultIdleTimeout    = 10 * time.Minute
	DefaultRetryDelay     = time.Minute
)

// Config wires a Runtime.
type Config struct {
	Store store.Store
	// Credentials issues each worker the temporary credentials of its
	// function's role; nil gives workers none.
	Credentials     *tempcreds.Issuer
	Region, Account string
	// WorkDir holds unpacked code versions and the runtime clients.
	WorkDir string
	Logger  *slog.Logger
	// Registry gets the per-function metrics; nil counts nothing.
	Registry prometheus.Registerer
	// MaxConcurrency bounds the invocations running at once across all
	// functions (Lambda's account limit); 0 means DefaultMaxConcurrency.
	MaxConcurrency int
	// IdleTimeout is how long an idle worker is kept warm; 0 means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// RetryDelay is the wait before an Event invocation's first retry;
	// the second waits twice as long, as Lambda's do. 0 means DefaultRetryDelay.
	RetryDelay time.Duration
	// HTTPClient calls the endpoints of functions with a URL; nil means a
	// client of its own, keeping a connection alive per concurrent invocation.
	HTTPClient *http.Client
	// Memory is how MemorySize is enforced: MemoryCgroup ("" too) or
	// MemoryUnenforced.
	Memory string
	// Provided is what moat gives a function's workers beyond AWS's
	// variables (a custom sender's key); nil gives nothing.
	Provided func(function string) map[string]string
}

// Runtime runs functions: it keeps their workers and answers invocations.
// Every replica's Runtime runs every function, as code is in the store.
type Runtime struct {
	store           store.Store
	credentials     *tempcreds.Issuer
	region, account string
	workDir         string
	clientDir       string
	logger          *slog.Logger
	logs            fanout.Hub[LogLine] // the console's live view of workers' lines, by function
	metrics         *metrics
	maxConcurrency  int
	idleTimeout     time.Duration
	retryDelay      time.Duration
	provided        func(function string) map[string]string
	http            *http.Client
	unpacking       sync.Mutex
	stop            context.CancelFunc
	background      sync.WaitGroup
	queued          chan struct{} // wakes the event dispatcher
	// cgroups hold workers to their MemorySize; nil when unenforced or
	// when none can be made, memoryUnavailable then saying why.
	cgroups           *cgroups
	memoryUnavailable error
	functions         *ttlcache.Cache[string, *invocable] // nil value: no such function; see lookup

	mu      sync.Mutex
	pools   map[string]*pool
	running int
	closed  bool
}

// New returns a Runtime and starts its idle reaper and event dispatcher;
// Close stops them and every worker.
func New(cfg Config) (*Runtime, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = DefaultRetryDelay
	}
	if cfg.HTTPClient == nil {
		// Keep-alive to a remote function's endpoint for as many
		// invocations as may run at once, not net/http's default two.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = cfg.MaxConcurrency
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	if cfg.WorkDir == "" {
		return nil, errors.New("functions: no work directory")
	}
	if err := CheckMemory(cfg.Memory); err != nil {
		return nil, fmt.Errorf("functions: memory: %w", err)
	}
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	r := &Runtime{
		store: cfg.Store, credentials: cfg.Credentials, region: cfg.Region, account: cfg.Account,
		workDir: cfg.WorkDir, clientDir: filepath.Join(cfg.WorkDir, "runtime"), logger: cfg.Logger, metrics: m,
		maxConcurrency: cfg.MaxConcurrency, idleTimeout: cfg.IdleTimeout, retryDelay: cfg.RetryDelay,
		provided: cfg.Provided, http: cfg.HTTPClient, pools: map[string]*pool{}, queued: make(chan struct{}, 1),
		functions: ttlcache.New[string, *invocable](functionCacheEntries, functionCacheTTL),
	}
	if err := os.MkdirAll(filepath.Join(cfg.WorkDir, "code"), 0o700); err != nil {
		return nil, fmt.Errorf("functions: work directory: %w", err)
	}
	if err := writeClients(r.clientDir); err != nil {
		return nil, fmt.Errorf("functions: runtime clients: %w", err)
	}
	r.cgroups, r.memoryUnavailable = memoryLimits(cfg.Memory)
	if r.memoryUnavailable != nil {
		r.logger.Warn("functions with code will be refused", "error", r.memoryUnavailable)
	}
	ctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	r.background.Add(2)
	go func() { defer r.background.Done(); r.reap(ctx) }()
	go func() { defer r.background.Done(); r.dispatch(ctx) }()
	return r, nil
}

// Close stops the reaper and the dispatcher and kills every worker; an
// invocation still running ends as crashed.
func (r *Runtime) Close() error {
	r.stop()
	r.background.Wait()
	r.mu.Lock()
	r.closed = true
	var all []*worker
	for _, p := range r.pools {
		all = append(all, p.idle...)
		p.idle = nil
		for w := range p.busy {
			all = append(all, w)
		}
	}
	r.mu.Unlock()
	for _, w := range all {
		w.kill()
	}
	if r.cgroups != nil {
		r.cgroups.close()
	}
	return nil
}
