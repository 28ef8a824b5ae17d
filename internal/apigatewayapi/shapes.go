package apigatewayapi

import (
	"encoding/json"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// The JSON shapes of botocore's apigateway model (2015-07-09). Timestamps
// are epoch seconds, as rest-json sends them.

type apiKeyJSON struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name,omitempty"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     int64             `json:"createdDate"`
	LastUpdatedDate int64             `json:"lastUpdatedDate"`
	StageKeys       []string          `json:"stageKeys"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// keyAttributes is what store.APIKey.Attributes holds.
type keyAttributes struct {
	CustomerID string            `json:"customerId,omitempty"`
	StageKeys  []string          `json:"stageKeys,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
}

func readKeyAttributes(k store.APIKey) keyAttributes {
	var a keyAttributes
	_ = json.Unmarshal(k.Attributes, &a) // written only by this package; absent is empty
	return a
}

func (a keyAttributes) bytes() []byte {
	b, _ := json.Marshal(a) // strings and maps of strings always marshal
	return b
}

func apiKeyOut(k store.APIKey, value string) apiKeyJSON {
	a := readKeyAttributes(k)
	out := apiKeyJSON{ID: k.ID, Value: value, Name: k.Name, CustomerID: a.CustomerID, Description: k.Description,
		Enabled: k.Enabled, CreatedDate: k.CreatedAt, LastUpdatedDate: k.UpdatedAt, StageKeys: a.StageKeys, Tags: a.Tags}
	if out.StageKeys == nil {
		out.StageKeys = []string{}
	}
	return out
}

type throttleJSON struct {
	BurstLimit *int     `json:"burstLimit,omitempty"`
	RateLimit  *float64 `json:"rateLimit,omitempty"`
}

type quotaJSON struct {
	Limit  int64  `json:"limit"`
	Offset int64  `json:"offset"`
	Period string `json:"period"`
}

type apiStageJSON struct {
	APIID    string                  `json:"apiId"`
	Stage    string                  `json:"stage"`
	Throttle map[string]throttleJSON `json:"throttle,omitempty"`
}

type usagePlanJSON struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	APIStages   []apiStageJSON    `json:"apiStages"`
	Throttle    *throttleJSON     `json:"throttle,omitempty"`
	Quota       *quotaJSON        `json:"quota,omitempty"`
	ProductCode string            `json:"productCode,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// planAttributes is what store.UsagePlan.Attributes holds.
type planAttributes struct {
	Tags        map[string]string `json:"tags,omitempty"`
	ProductCode string            `json:"productCode,omitempty"`
}

func throttleOut(t store.Throttle) throttleJSON {
	return throttleJSON{BurstLimit: &t.BurstLimit, RateLimit: &t.RateLimit}
}

func usagePlanOut(p store.UsagePlan) usagePlanJSON {
	var a planAttributes
	_ = json.Unmarshal(p.Attributes, &a) // written only by this package
	out := usagePlanJSON{ID: p.ID, Name: p.Name, Description: p.Description, APIStages: []apiStageJSON{},
		ProductCode: a.ProductCode, Tags: a.Tags}
	if p.Throttle != nil {
		t := throttleOut(*p.Throttle)
		out.Throttle = &t
	}
	if p.Quota != nil {
		out.Quota = &quotaJSON{Limit: p.Quota.Limit, Offset: p.Quota.Offset, Period: p.Quota.Period}
	}
	for _, s := range p.Stages {
		js := apiStageJSON{APIID: s.APIID, Stage: s.Stage}
		for method, t := range s.MethodThrottles {
			if js.Throttle == nil {
				js.Throttle = map[string]throttleJSON{}
			}
			js.Throttle[method] = throttleOut(t)
		}
		out.APIStages = append(out.APIStages, js)
	}
	return out
}

type usagePlanKeyJSON struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
	Name  string `json:"name,omitempty"`
}

type patchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value string `json:"value"`
	From  string `json:"from"`
}

type patchRequest struct {
	PatchOperations []patchOperation `json:"patchOperations"`
}

func nowDay() string { return time.Now().UTC().Format(time.DateOnly) }
