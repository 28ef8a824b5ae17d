package apigatewayapi

import (
	"testing"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/store"
)

// FuzzPatchUsagePlan: any patch operation either applies or is refused
// with a 4xx *awserr.Error; it never panics.
func FuzzPatchUsagePlan(f *testing.F) {
	for _, seed := range [][3]string{
		{"replace", "/throttle/rateLimit", "5"},
		{"replace", "/quota/period", "DAY"},
		{"add", "/apiStages", "api1:prod"},
		{"remove", "/apiStages", "api1:prod"},
		{"replace", "/apiStages/api1:prod/throttle/~1pets/GET/burstLimit", "2"},
		{"remove", "/apiStages/api1:prod/throttle//pets/GET", ""},
		{"replace", "/apiStages/:/throttle/", "x"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, op, path, value string) {
		p := store.UsagePlan{Name: "p", Stages: []store.UsagePlanStage{{APIID: "api1", Stage: "prod",
			MethodThrottles: map[string]store.Throttle{"/pets/GET": {RateLimit: 1, BurstLimit: 1}}}}}
		err := patchUsagePlan(&p, patchOperation{Op: op, Path: path, Value: value})
		e, ok := awserr.As(err)
		if err != nil && (!ok || e.HTTPStatus() >= 500) {
			t.Fatalf("%s %s %q: %v", op, path, value, err)
		}
	})
}
