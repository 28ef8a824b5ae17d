package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Before a configuration is measured it must answer its measured request
// 200 (a run of error answers is not a measurement) and refuse the same
// request without its credential.

// answersOK sends c's measured request once and wants 200.
func (c benchCase) answersOK(ctx context.Context) error {
	res, err := send(ctx, c.url, c.headers)
	if err != nil {
		return err
	}
	if res != http.StatusOK {
		return fmt.Errorf("the measured request got %d, want 200", res)
	}
	return nil
}

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
	status, err := send(ctx, r.url, r.headers)
	if err != nil {
		return err
	}
	if status < 400 || status > 499 {
		return fmt.Errorf("without its credential the request got %d, want a 4xx refusal", status)
	}
	return nil
}

// send GETs url with headers ("Name: value") and returns the status.
func send(ctx context.Context, url string, headers []string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}
