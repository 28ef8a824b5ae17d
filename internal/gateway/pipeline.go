package gateway

// PipelineStage is one step of the pipeline a routed request passes before its
// integration. Pass lets the request on (nil) or refuses it with an error —
// an *Error, normally, which the responder renders as API Gateway does. A
// stage reads the request and may add to it (the authorizer sets Identity);
// it never rewrites what an earlier stage decided.
type PipelineStage interface {
	Pass(req *Request) error
}

// PassFunc is a function that is a PipelineStage.
type PassFunc func(req *Request) error

func (f PassFunc) Pass(req *Request) error { return f(req) }

// The built-in stages. Config.Pipeline orders them with any others: a WAF
// goes first, before the resource policy; usage plans come after the
// authorizer, which may choose the API key.
var (
	// ResourcePolicyStage is the API's resource policy, pre-authorization.
	ResourcePolicyStage PipelineStage = builtIn(checkResourcePolicy)
	// AuthorizerStage runs the route's authorizer and its group check, and
	// sets the claim headers.
	AuthorizerStage PipelineStage = builtIn(authorize)
	// UsagePlanStage checks API keys, usage plans and throttles.
	UsagePlanStage PipelineStage = builtIn(checkUsage)
)

// builtIn is a stage that reads the compiled API and route behind a request.
func builtIn(step func(x *exchange) error) PipelineStage {
	return PassFunc(func(r *Request) error { return step(r.x) })
}

// DefaultPipeline is the stages API Gateway runs, in its order.
func DefaultPipeline() []PipelineStage {
	return []PipelineStage{ResourcePolicyStage, AuthorizerStage, UsagePlanStage}
}
