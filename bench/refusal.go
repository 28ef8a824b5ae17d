package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// refusal is a request a configuration must refuse with a 4xx: the same
// request without the credential being measured, so a run cannot
// silently measure an authorizer that is not in the path.
type refusal struct {
	url     string
	headers []string
}

func (r *refusal) check(ctx context.Context) error {
	if r == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return err
	}
	for _, h := range r.headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode < 400 || res.StatusCode > 499 {
		return fmt.Errorf("without its credential the request got %d, want a 4xx refusal", res.StatusCode)
	}
	return nil
}
