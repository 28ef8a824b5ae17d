package waf

import (
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Engine compiles web ACLs and holds what their evaluations share: the
// rate counters, the GeoIP database, the managed rule groups' Coraza
// instances, metrics, samples and the WAF log.
type Engine struct {
	counter RateCounter
	geo     GeoDatabase
	metrics *metrics
	samples *samples
	log     *slog.Logger
	lines   io.Writer
	now     func() time.Time
	groups  *managedGroups
}

// Config configures an Engine. Every field is optional.
type Config struct {
	// Counter keeps rate-based rules' counts; nil counts in this process.
	// A RedisCounter makes a limit hold across moat replicas.
	Counter RateCounter
	// Geo looks countries up for GeoMatchStatement; nil refuses them.
	Geo GeoDatabase
	// Registerer receives the moat_waf_* metrics; nil keeps none.
	Registerer prometheus.Registerer
	// Lines receives a JSON line for every request a rule blocks or
	// counts (moat's request log, behind the access log's writer); nil
	// sends them to Logger at info.
	Lines io.Writer
	// Logger receives warnings, and the match lines when Lines is nil;
	// nil is slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// NewEngine returns an engine for cfg.
func NewEngine(cfg Config) (*Engine, error) {
	e := &Engine{counter: cfg.Counter, geo: cfg.Geo, log: cfg.Logger, lines: cfg.Lines, now: cfg.Now, groups: sharedGroups}
	if e.counter == nil {
		e.counter = NewMemoryCounter(defaultMemoryKeys)
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.now == nil {
		e.now = time.Now
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	e.metrics = m
	e.samples = newSamples()
	return e, nil
}
