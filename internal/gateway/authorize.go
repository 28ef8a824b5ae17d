package gateway

// authorize runs the route's authorizer (none: the route is open) and puts
// the claims the API asks for in the backend request's headers.
func authorize(x *exchange) error {
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
			if x.req.BackendHeaders == nil {
				x.req.BackendHeaders = make(map[string][]string, len(x.route.claimHeaders))
			}
			x.req.BackendHeaders[ch.header] = []string{ClaimValue(v)}
		}
	}
	return nil
}
