package main

import (
	"context"
	"log/slog"
	"os"
	"slices"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/gateway"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/usage"
	"github.com/moat-dev/moat/internal/waf"
)

// reloadable are the config file's keys SIGHUP brings into force; every
// other setting (listeners, the store, limits, events) needs a restart.
var reloadable = []string{"apis", "api", "roles", "userPools", "identityPools", "apiKeys", "usagePlans", "ipSets", "regexPatternSets", "webACLs"}

// reloader rereads the configuration on SIGHUP and brings the running moat
// to it: a file that does not load is refused and what runs stays.
type reloader struct {
	current  Config
	reread   func() (Config, error)
	logger   *slog.Logger
	roles    *roles.Service
	identity *identityAPI
	usage    *usage.Service
	firewall *waf.Service
	gateway  *gateway.Gateway
}

// run reloads on every SIGHUP hup delivers until ctx ends. hup is
// subscribed at the start of serve, so a SIGHUP during start-up waits here
// rather than ending the process.
func (r *reloader) run(ctx context.Context, hup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload(ctx)
		}
	}
}

func (r *reloader) reload(ctx context.Context) {
	if r.current.ConfigFile == "" {
		r.logger.Warn("SIGHUP: no --config file to reread; nothing changed")
		return
	}
	next, err := r.reread()
	var apis []gateway.API
	if err == nil {
		apis, err = servedAPIs(next, r.logger)
	}
	if err == nil {
		err = gateway.Validate(apis)
	}
	if err != nil {
		r.logger.Error("config reload refused; the running configuration stays", "config", r.current.ConfigFile, "error", err.Error())
		return
	}
	if err := r.apply(ctx, next, apis); err != nil {
		r.logger.Error("config reload stopped part-way: the sections before the problem are in force; fix the file and send SIGHUP again", "config", r.current.ConfigFile, "error", err.Error())
		return
	}
	var applied, restart []string
	for _, c := range configfile.Changes(&r.current, &next) {
		if slices.Contains(reloadable, c.Key) {
			applied = append(applied, c.String())
		} else {
			restart = append(restart, c.Key)
		}
	}
	if len(restart) > 0 {
		r.logger.Warn("config reload: these settings take effect at the next start", "settings", restart)
		next = withSettingsOf(next, r.current)
	}
	r.current = next
	r.logger.Info("config reloaded", "config", next.ConfigFile, "changed", applied)
}

// apply brings the running moat to next, serving apis, in the order a
// start does.
func (r *reloader) apply(ctx context.Context, next Config, apis []gateway.API) error {
	if err := next.Roles.Apply(ctx, r.roles); err != nil {
		return err
	}
	if err := applyIdentitySections(ctx, next, r.identity, r.logger); err != nil {
		return err
	}
	if err := r.gateway.Reload(apis); err != nil {
		return err
	}
	for _, api := range apis {
		logServedAPI(r.logger, api)
	}
	if err := next.WAF.Apply(ctx, r.firewall); err != nil {
		return err
	}
	return next.Usage.Apply(ctx, r.usage, r.gateway)
}

// withSettingsOf is next with the settings only a start applies kept as
// running says, so the next reload reports them again until a restart.
func withSettingsOf(next, running Config) Config {
	sections := next
	next = running
	next.APIFiles, next.APIs, next.Roles, next.UserPools, next.IdentityPools = sections.APIFiles, sections.APIs, sections.Roles, sections.UserPools, sections.IdentityPools
	next.Usage, next.WAF = sections.Usage, sections.WAF
	return next
}
