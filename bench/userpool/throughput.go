package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moat-dev/moat/internal/password"
)

// The throughput runs post raw Cognito requests with bodies made before
// the clock starts, so the clients (on the same cores as moat) cost little.

// hashBound is how many password checks at moat's cost the cores do in a
// second, one per core at a time, as moat's hashing pool runs them: the
// ceiling of password sign-ins per second.
func hashBound() float64 {
	hash, err := password.Hash("Bound-Pass-1")
	if err != nil {
		panic(err)
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(began) < 2*time.Second {
				password.Verify(hash, "Bound-Pass-2")
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(began).Seconds()
}

// rateRun is a timed run of many clients.
type rateRun struct {
	ok, refused, failed int64
	seconds             float64
	cpu                 time.Duration // moat's CPU time over the run
}

func (r rateRun) perSecond() float64 { return float64(r.ok) / r.seconds }

// cpuPerOp is moat's CPU time per served call.
func (r rateRun) cpuPerOp() time.Duration {
	if r.ok == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.ok)
}

// hammer runs clients, each sending its bodies round-robin as fast as it
// is answered, for warmUp and then measured; only the measured part counts.
// A TooManyRequestsException is retried after the AWS SDKs' backoff.
func hammer(ctx context.Context, m *moat, target string, bodies [][]byte, clients int, warmUp, measured time.Duration) (rateRun, error) {
	var ok, refused, failed atomic.Int64
	var counting atomic.Bool
	began := time.Now()
	deadline := began.Add(warmUp + measured)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := loopbackClient(c)
			defer client.CloseIdleConnections()
			backoff := 0
			for i := c; time.Now().Before(deadline) && ctx.Err() == nil; i += clients {
				answer := call(ctx, client, m.identityURL, target, bodies[i%len(bodies)])
				switch {
				case !counting.Load() || time.Now().After(deadline):
				case answer == "":
					ok.Add(1)
				case answer == "TooManyRequestsException":
					refused.Add(1)
				default:
					failed.Add(1)
				}
				if answer != "TooManyRequestsException" {
					backoff = 0
					continue
				}
				backoff++
				time.Sleep(rand.N(min(20*time.Second, time.Second<<backoff)))
			}
		}()
	}
	time.Sleep(warmUp)
	cpuBefore, err := cpuTime(m.cmd.Process.Pid)
	if err != nil {
		return rateRun{}, err
	}
	counting.Store(true)
	start := time.Now()
	wg.Wait()
	cpuAfter, err := cpuTime(m.cmd.Process.Pid)
	if err != nil {
		return rateRun{}, err
	}
	end := time.Now()
	if end.After(deadline) {
		end = deadline
	}
	return rateRun{ok: ok.Load(), refused: refused.Load(), failed: failed.Load(), seconds: end.Sub(start).Seconds(), cpu: cpuAfter - cpuBefore}, nil
}

// loopbackClient sends from its own loopback address, as a distinct
// machine would, so per-address limits see many callers.
func loopbackClient(i int) *http.Client {
	from := net.IPv4(127, 0, byte(1+i/250), byte(1+i%250))
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 1}}
}

// call posts one Cognito request and returns the answer's __type ("" on success).
func call(ctx context.Context, client *http.Client, url, target string, body []byte) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+target)
	res, err := client.Do(req)
	if err != nil {
		return "transport: " + err.Error()
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var answer struct {
		Type string `json:"__type"`
	}
	json.Unmarshal(raw, &answer)
	if res.StatusCode == http.StatusOK && answer.Type == "" {
		return ""
	}
	if answer.Type == "" {
		return fmt.Sprintf("HTTP %d", res.StatusCode)
	}
	return answer.Type
}

// signInBodies are USER_PASSWORD_AUTH sign-ins of the measured users.
func (p *pool) signInBodies() [][]byte {
	bodies := make([][]byte, p.measured)
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": p.clientID,
			"AuthParameters": map[string]string{"USERNAME": username(i), "PASSWORD": benchPassword}})
	}
	return bodies
}

// refreshBodies sign each measured user in once per session wanted and
// return REFRESH_TOKEN_AUTH bodies of those sessions.
func (p *pool) refreshBodies(ctx context.Context, m *moat, sessions int) ([][]byte, error) {
	client := &http.Client{Timeout: time.Minute}
	bodies := make([][]byte, 0, sessions)
	for i := range sessions {
		body, _ := json.Marshal(map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": p.clientID,
			"AuthParameters": map[string]string{"USERNAME": username(i % p.measured), "PASSWORD": benchPassword}})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.identityURL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var out struct {
			AuthenticationResult struct{ RefreshToken string }
		}
		err = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if err != nil || out.AuthenticationResult.RefreshToken == "" {
			return nil, fmt.Errorf("sign-in for a refresh token: %d %v", res.StatusCode, err)
		}
		b, _ := json.Marshal(map[string]any{"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": p.clientID,
			"AuthParameters": map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken}})
		bodies = append(bodies, b)
	}
	return bodies, nil
}
