package console

import "net/http"

func (c *Console) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("GET /console/assets/{file}", assets())
	m.Handle("GET /console", redirect(Prefix+"/pools"))
	m.Handle("GET /console/{$}", redirect(Prefix+"/pools"))
	m.HandleFunc("GET /console/signin", c.signInPage)
	m.HandleFunc("POST /console/signin", c.signIn)
	m.Handle("POST /console/signout", c.post("SignOut", false, func(w http.ResponseWriter, r *http.Request, rq *request) error {
		c.signOut(w, r, rq)
		return nil
	}))

	m.Handle("GET /console/pools", c.view(c.poolsPage))
	m.Handle("POST /console/pools", c.post("CreateUserPool", true, c.createPool))
	m.Handle("GET /console/pools/{pool}", c.view(c.poolPage))
	m.Handle("POST /console/pools/{pool}/clients", c.post("CreateUserPoolClient", true, c.createClient))
	m.Handle("POST /console/pools/{pool}/groups", c.post("CreateGroup", true, c.createGroup))
	m.Handle("GET /console/pools/{pool}/users", c.view(c.usersPage))
	m.Handle("POST /console/pools/{pool}/users", c.post("AdminCreateUser", true, c.createUser))
	m.Handle("GET /console/pools/{pool}/users/{user}", c.view(c.userPage))
	for action, h := range c.userActions() {
		m.Handle("POST /console/pools/{pool}/users/{user}/"+action.path, c.post(action.name, true, h))
	}

	m.Handle("GET /console/apis", c.view(c.apisPage))
	m.Handle("GET /console/apis/{api}", c.view(c.apiPage))
	m.Handle("GET /console/apis/{api}/tail", c.view(c.tail))

	m.Handle("GET /console/functions", c.view(c.functionsPage))
	m.Handle("GET /console/functions/{function}", c.view(c.functionPage))
	m.Handle("GET /console/functions/{function}/tail", c.view(c.functionTail))
	m.Handle("POST /console/functions/{function}/invoke", c.post("Invoke", true, c.invoke))

	m.Handle("GET /console/identity-pools", c.view(c.identityPoolsPage))
	m.Handle("GET /console/identity-pools/{pool}", c.view(c.identityPoolPage))
	m.Handle("POST /console/identity-pools/{pool}/simulate", c.post("SimulatePolicy", false, c.simulate))
	m.Handle("POST /console/identity-pools/{pool}/policy", c.post("PutRolePolicy", true, c.savePolicy))
	m.Handle("POST /console/policy/check", c.post("CheckPolicy", false, c.policyCheckAPI))

	m.Handle("GET /console/usage", c.view(c.usagePage))
	m.Handle("GET /console/waf", c.view(c.wafPage))
	m.Handle("GET /console/events", c.view(c.eventsPage))
	m.Handle("POST /console/events/redrive", c.post("RedriveEvent", true, c.redrive))
	return m
}

func redirect(to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, http.StatusSeeOther)
	})
}
