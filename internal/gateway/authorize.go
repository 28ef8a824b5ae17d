package gateway

// authorize runs the route's authorizer (none: the route is open) and copies
// the claims the API asks for into backend request headers. Every claim
// header name the API uses is first removed from the client's request, on
// every route, so a client can never forge one.
func authorize(x *exchange) error {
	h := x.req.HTTP.Header
	for _, name := range x.api.claimHeaderNames {
		delete(h, name)
	}
	if x.route.authorizer == nil {
		return nil
	}
	id, err := x.route.authorizer.Authorize(x.req.HTTP.Context(), &x.req)
	if err != nil {
		return err
	}
	x.req.Identity = id
	if err := requireGroup(x.route.route.Groups, id); err != nil {
		return err
	}
	if id == nil {
		return nil
	}
	for _, ch := range x.route.claimHeaders {
		if v, ok := id.Claims[ch.claim]; ok && v != nil {
			h[ch.header] = []string{ClaimValue(v)}
		}
	}
	return nil
}
