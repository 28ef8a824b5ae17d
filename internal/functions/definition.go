package functions

import (
	"encoding/json"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Lambda's defaults and bounds.
const (
	DefaultTimeout    = 3
	DefaultMemorySize = 128
	maxTimeout        = 900
	minMemory         = 128
	maxMemory         = 10240
	maxDescription    = 256
	maxEnvironment    = 4 << 10
)

// Definition is a function's configuration as CreateFunction and the
// config file give it. Zero Timeout and MemorySize take Lambda's defaults.
type Definition struct {
	Runtime, Handler, Role, Description string
	Timeout, MemorySize                 int64
	Architectures                       []string
	Environment                         map[string]string
	// URL, instead of code, is a remote endpoint each invocation is POSTed
	// to (moat's own setting).
	URL string
}

// Change is what UpdateFunctionConfiguration changes: nil leaves a field.
type Change struct {
	Runtime, Handler, Role, Description, URL *string
	Timeout, MemorySize                      *int64
	Environment                              *map[string]string // replaced whole, as Lambda does
	RevisionID                               string             // when set, must be the function's
}

var (
	roleRE    = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-/]+$`)
	handlerRE = regexp.MustCompile(`^[^\s]{1,128}$`)
	envKeyRE  = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)
)

// reservedVariables are the environment keys Lambda sets and a function may not.
var reservedVariables = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
	"LAMBDA_RUNTIME_DIR"}

// hostArchitecture is Lambda's name for the machine's: functions run here.
func hostArchitecture() string {
	if runtime.GOARCH == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

func checkName(name string) error {
	if !nameRE.MatchString(name) {
		return validation(name, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64")
	}
	return nil
}

// check refuses a definition Lambda would, or one moat cannot honour.
func (d *Definition) check(hasCode bool) error {
	if d.URL != "" {
		if hasCode {
			return invalidParam("A function with an endpoint URL has no deployment package.")
		}
		u, err := url.Parse(d.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalidParam("The endpoint URL %q must be an absolute http or https URL.", d.URL)
		}
	} else if d.Runtime == "" || d.Handler == "" {
		return invalidParam("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if d.Runtime != "" {
		if err := checkRuntime(d.Runtime); err != nil {
			return err
		}
	}
	if d.Handler != "" && !handlerRE.MatchString(d.Handler) {
		return validation(d.Handler, "handler", `Member must satisfy regular expression pattern: [^\s]+`)
	}
	if !roleRE.MatchString(d.Role) {
		return validation(d.Role, "role", `Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	}
	if len(d.Description) > maxDescription {
		return validation(d.Description, "description", "Member must have length less than or equal to 256")
	}
	if d.Timeout == 0 {
		d.Timeout = DefaultTimeout
	}
	if d.Timeout < 1 || d.Timeout > maxTimeout {
		return validation(strconv.FormatInt(d.Timeout, 10), "timeout", "Member must have value less than or equal to 900 and greater than or equal to 1")
	}
	if d.MemorySize == 0 {
		d.MemorySize = DefaultMemorySize
	}
	if d.MemorySize < minMemory || d.MemorySize > maxMemory {
		return validation(strconv.FormatInt(d.MemorySize, 10), "memorySize", "Member must have value less than or equal to 10240 and greater than or equal to 128")
	}
	if err := checkArchitectures(d.Architectures); err != nil {
		return err
	}
	if len(d.Architectures) == 0 {
		d.Architectures = []string{hostArchitecture()}
	}
	return checkEnvironment(d.Environment)
}

func checkArchitectures(a []string) error {
	switch {
	case len(a) == 0:
		return nil
	case len(a) > 1:
		return validation("["+strings.Join(a, ", ")+"]", "architectures", "Member must have length less than or equal to 1")
	case a[0] != "x86_64" && a[0] != "arm64":
		return validation("["+a[0]+"]", "architectures", "Member must satisfy enum value set: [x86_64, arm64]")
	case a[0] != hostArchitecture():
		return invalidParam("moat runs functions on this machine, which is %s; the architecture %s cannot run here.", hostArchitecture(), a[0])
	}
	return nil
}

func checkEnvironment(vars map[string]string) error {
	var reserved []string
	for k := range vars {
		if slices.Contains(reservedVariables, k) {
			reserved = append(reserved, k)
		} else if !envKeyRE.MatchString(k) {
			return validation(k, "environment.variables", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+")
		}
	}
	if len(reserved) > 0 {
		slices.Sort(reserved)
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	if b, _ := json.Marshal(vars); len(b) > maxEnvironment {
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", b)
	}
	return nil
}

// encodeEnvironment is the variables as the store keeps them.
func encodeEnvironment(vars map[string]string) string {
	if len(vars) == 0 {
		return ""
	}
	b, _ := json.Marshal(vars) // a string map cannot fail to marshal
	return string(b)
}
