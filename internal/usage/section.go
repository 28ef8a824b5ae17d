package usage

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/moat-dev/moat/internal/configfile"
	"github.com/moat-dev/moat/internal/store"
)

// Section is the config file's apiKeys: and usagePlans:. At every start
// the keys and plans it names are created or brought in line with it
// (Apply), so the file wins over API changes to what it names.
type Section struct {
	APIKeys    []APIKeyConfig `yaml:"apiKeys"`
	UsagePlans []PlanConfig   `yaml:"usagePlans"`
}

// APIKeyConfig declares an API key (apiKeys:). The key is found by name:
// created when missing, its enabled flag and description brought in line;
// its value never changes once created.
type APIKeyConfig struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Enabled defaults to true.
	Enabled *bool `yaml:"enabled,omitempty"`
	// The value comes from an environment variable or a file (trailing
	// newline trimmed): 20 to 128 letters and digits.
	ValueFromEnv  string `yaml:"valueFromEnv,omitempty"`
	ValueFromFile string `yaml:"valueFromFile,omitempty"`
}

// PlanConfig declares a usage plan (usagePlans:). Found by name, it is
// created or updated to match, and its declared keys attached.
type PlanConfig struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description,omitempty"`
	Throttle    *Throttle         `yaml:"throttle,omitempty"`
	Quota       *QuotaConfig      `yaml:"quota,omitempty"`
	APIStages   []PlanStageConfig `yaml:"apiStages,omitempty"`
	APIKeys     []string          `yaml:"apiKeys,omitempty"` // names of keys under apiKeys:
}

// QuotaConfig is a plan's quota: limit requests per period (DAY, WEEK, MONTH).
type QuotaConfig struct {
	Limit  int64  `yaml:"limit"`
	Offset int64  `yaml:"offset,omitempty"`
	Period string `yaml:"period"`
}

// PlanStageConfig is an API stage a plan covers; API is the API's name.
type PlanStageConfig struct {
	API   string `yaml:"api"`
	Stage string `yaml:"stage"`
	// Throttle overrides the plan's throttle per method: "/pets/GET": {...}.
	Throttle map[string]Throttle `yaml:"throttle,omitempty"`
}

// APIs is what plans need of the gateway: an API's ID by its name, and
// which stages it serves.
type APIs interface {
	APIID(name string) (string, bool)
	HasStage(apiID, stage string) bool
}

// Validate checks the section as far as it can without the store or the
// gateway; its errors name the YAML key (usagePlans[1].throttle.rateLimit).
func (s Section) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, configfile.Errorf(path, format, args...)) }
	keys := map[string]bool{}
	for i, k := range s.APIKeys {
		at := configfile.Index("apiKeys", i)
		switch {
		case k.Name == "":
			bad(at+".name", "a key needs a name")
		case keys[k.Name]:
			bad(at+".name", "%q is declared twice", k.Name)
		case checkName(k.Name) != nil:
			errs = append(errs, placed(at, checkName(k.Name)))
		}
		keys[k.Name] = true
		if (k.ValueFromEnv == "") == (k.ValueFromFile == "") {
			bad(at, "set one of valueFromEnv or valueFromFile")
		}
	}
	plans := map[string]bool{}
	for i, p := range s.UsagePlans {
		at := configfile.Index("usagePlans", i)
		if plans[p.Name] && p.Name != "" {
			bad(at+".name", "%q is declared twice", p.Name)
		}
		plans[p.Name] = true
		for j, st := range p.APIStages {
			if st.API == "" || st.Stage == "" {
				bad(configfile.Index(at+".apiStages", j), "name the api and the stage the plan covers")
			}
		}
		if err := checkPlan(p.plan(func(name string) string { return name }), nil); err != nil {
			errs = append(errs, placed(at, err))
		}
		for j, name := range p.APIKeys {
			if !keys[name] {
				bad(configfile.Index(at+".apiKeys", j), "%q is not a key declared under apiKeys", name)
			}
		}
	}
	return errors.Join(errs...)
}

// Apply makes the store hold the declared keys and plans; apis resolves the
// APIs the plans name. Running it again changes nothing, so every replica
// may run it at start.
func (s Section) Apply(ctx context.Context, svc *Service, apis APIs) error {
	if err := s.Validate(); err != nil {
		return err
	}
	keyIDs := map[string]string{}
	for i, c := range s.APIKeys {
		at := configfile.Index("apiKeys", i)
		value, err := c.value()
		if err != nil {
			return placed(at, err)
		}
		enabled := c.Enabled == nil || *c.Enabled
		k, err := svc.DeclareKey(ctx, NewAPIKey{Name: c.Name, Description: c.Description, Enabled: enabled, Value: value})
		if err != nil {
			return configfile.At(at, err)
		}
		keyIDs[c.Name] = k.ID
	}
	for i, c := range s.UsagePlans {
		at := configfile.Index("usagePlans", i)
		for j, st := range c.APIStages {
			if id, ok := apis.APIID(st.API); !ok || !apis.HasStage(id, st.Stage) {
				return configfile.Errorf(configfile.Index(at+".apiStages", j), "api %q has no stage %q", st.API, st.Stage)
			}
		}
		p := c.plan(func(name string) string { id, _ := apis.APIID(name); return id })
		var ids []string
		for _, name := range c.APIKeys {
			ids = append(ids, keyIDs[name])
		}
		if _, err := svc.DeclarePlan(ctx, p, ids, apis.HasStage); err != nil {
			return placed(at, err)
		}
	}
	return nil
}

// plan is the declared plan, its APIs named by apiID(name).
func (c PlanConfig) plan(apiID func(name string) string) store.UsagePlan {
	p := store.UsagePlan{Name: c.Name, Description: c.Description}
	if c.Throttle != nil {
		t := c.Throttle.stored()
		p.Throttle = &t
	}
	if q := c.Quota; q != nil {
		p.Quota = &store.Quota{Limit: q.Limit, Offset: q.Offset, Period: q.Period}
	}
	for _, s := range c.APIStages {
		ps := store.UsagePlanStage{APIID: apiID(s.API), Stage: s.Stage}
		for method, t := range s.Throttle {
			if ps.MethodThrottles == nil {
				ps.MethodThrottles = map[string]store.Throttle{}
			}
			ps.MethodThrottles[method] = t.stored()
		}
		p.Stages = append(p.Stages, ps)
	}
	return p
}

// value reads a declared key's value from where the config points; its
// errors name the setting that points there.
func (k APIKeyConfig) value() (string, error) {
	var v string
	field := "valueFromEnv"
	if k.ValueFromEnv != "" {
		var ok bool
		if v, ok = os.LookupEnv(k.ValueFromEnv); !ok || v == "" {
			return "", invalid(field, "environment variable %s is not set", k.ValueFromEnv)
		}
	} else {
		field = "valueFromFile"
		b, err := os.ReadFile(k.ValueFromFile)
		if err != nil {
			return "", invalid(field, "%v", err)
		}
		v = strings.TrimRight(string(b), "\r\n")
	}
	if err := ValidateValue(v); err != nil {
		return "", invalid(field, "%v", err)
	}
	return v, nil
}

// placed is err under path, an *InvalidError's field included.
func placed(path string, err error) error {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return configfile.At(configfile.Join(path, ie.Field), errors.New(ie.Message))
	}
	return configfile.At(path, err)
}
