package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/waf"
)

// wafRefresh is how often a replica rereads the web ACLs, so another
// replica's changes reach it (its own apply at once).
const wafRefresh = 2 * time.Second

// newFirewall builds the WAF: rate counts in Redis when there is one, so a
// rate rule's limit holds across replicas; GeoMatchStatement when
// --waf-geoip-db names a database. Match lines go to lines (the access
// log's writer; nil: logger at info). The refresh loop runs until ctx ends.
func newFirewall(ctx context.Context, cfg Config, st store.Store, redisClient *redis.Client, reg prometheus.Registerer, logger *slog.Logger, lines io.Writer, knownStage func(apiID, stage string) bool) (*waf.Service, error) {
	engineCfg := waf.Config{Registerer: reg, Logger: logger, Lines: lines}
	if redisClient != nil {
		engineCfg.Counter = waf.NewRedisCounter(redisClient, "moat:waf:")
	}
	if cfg.WAFGeoIPDB != "" {
		db, err := waf.OpenMMDB(cfg.WAFGeoIPDB)
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { db.Close() })
		engineCfg.Geo = db
	}
	engine, err := waf.NewEngine(engineCfg)
	if err != nil {
		return nil, err
	}
	firewall := waf.NewService(waf.ServiceConfig{
		Store: st, Engine: engine, Region: cfg.Region, Account: cfg.AccountID,
		KnownResource: func(ctx context.Context, r waf.Resource) bool {
			if r.Type == waf.ResourceCognitoUserPool {
				_, err := st.GetUserPool(ctx, r.UserPoolID)
				return !errors.Is(err, store.ErrNotFound)
			}
			return knownStage(r.APIID, r.Stage)
		},
	})
	if err := firewall.Refresh(ctx); err != nil {
		return nil, err
	}
	go firewall.Run(ctx, wafRefresh, logger)
	return firewall, nil
}
