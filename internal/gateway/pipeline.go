package gateway

// step is one stage a routed request passes before its integration; an
// error (an *Error, normally) ends the request with the responder's answer.
type step func(x *exchange) error

// pipeline is the stages in order. A later stage is one more entry: WAF goes
// before the resource policy; usage plans come after authorize, since an
// authorizer may choose the API key.
var pipeline = []step{checkResourcePolicy, authorize, checkUsage}
