package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/moat-dev/moat/internal/userpool"
)

type usersData struct {
	PoolID, PoolName string
	Filter           string
	Users            []userpool.UserType
	Next             string // the next page's token
	NextURL          string
}

// usersPage searches a pool's users with ListUsers: its filter grammar
// (username ^= "ann", email = "a@example.com", status = "Enabled") and
// its pagination tokens, so a page costs what the API's page costs.
func (c *Console) usersPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx, id := r.Context(), r.PathValue("pool")
	pool, err := c.cfg.UserPools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: id})
	if err != nil {
		c.notFound(w, r, rq, err)
		return
	}
	q := r.URL.Query()
	d := usersData{PoolID: id, PoolName: pool.UserPool.Name, Filter: q.Get("filter")}
	v := &view{Title: "Users · " + pool.UserPool.Name, Section: "pools", Data: &d}
	out, err := c.cfg.UserPools.ListUsers(ctx, &userpool.ListUsersInput{UserPoolId: id, Limit: pageSize, Filter: d.Filter, PaginationToken: q.Get("page")})
	if err != nil {
		v.Flash = flash{Text: errorText(err), Error: true}
	} else {
		d.Users, d.Next = out.Users, out.PaginationToken
		if d.Next != "" {
			d.NextURL = usersPath(id) + "?" + url.Values{"filter": {d.Filter}, "page": {d.Next}}.Encode()
		}
	}
	c.show(w, r, rq, "users", v)
}

func usersPath(pool string) string { return poolPath(pool) + "/users" }

func userPath(pool, user string) string { return usersPath(pool) + "/" + url.PathEscape(user) }

func (c *Console) createUser(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := &userpool.AdminCreateUserInput{UserPoolId: r.PathValue("pool"), Username: strings.TrimSpace(r.PostFormValue("username")),
		TemporaryPassword: r.PostFormValue("temporaryPassword")}
	if email := strings.TrimSpace(r.PostFormValue("email")); email != "" {
		in.UserAttributes = append(in.UserAttributes, userpool.AttributeType{Name: "email", Value: email})
		if r.PostFormValue("emailVerified") == "on" {
			in.UserAttributes = append(in.UserAttributes, userpool.AttributeType{Name: "email_verified", Value: "true"})
		}
	}
	if r.PostFormValue("invite") != "on" {
		in.MessageAction = "SUPPRESS"
	}
	out, err := c.cfg.UserPools.AdminCreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	return c.done(w, r, rq, userPath(in.UserPoolId, out.User.Username), "Created user "+out.User.Username+".")
}

type userData struct {
	PoolID, PoolName string
	User             *userpool.AdminGetUserOutput
	Groups           []userpool.GroupType
	PoolGroups       []userpool.GroupType // the groups the user could be added to
	Devices          []userpool.DeviceType
}

func (c *Console) userPage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx, pool, name := r.Context(), r.PathValue("pool"), r.PathValue("user")
	u, err := c.cfg.UserPools.AdminGetUser(ctx, &userpool.UserRef{UserPoolId: pool, Username: name})
	if err != nil {
		c.notFound(w, r, rq, err)
		return
	}
	d := userData{PoolID: pool, User: u}
	v := &view{Title: u.Username, Section: "pools", Data: &d}
	if p, err := c.cfg.UserPools.DescribeUserPool(ctx, &userpool.DescribeUserPoolInput{UserPoolId: pool}); err == nil {
		d.PoolName = p.UserPool.Name
	}
	var problems []string
	groups, err := c.cfg.UserPools.AdminListGroupsForUser(ctx, &userpool.AdminListGroupsForUserInput{UserPoolId: pool, Username: u.Username, Limit: 60})
	if err == nil {
		d.Groups = groups.Groups
	} else {
		problems = append(problems, errorText(err))
	}
	if all, err := c.cfg.UserPools.ListGroups(ctx, &userpool.ListGroupsInput{UserPoolId: pool, Limit: 60}); err == nil {
		in := map[string]bool{}
		for _, g := range d.Groups {
			in[g.GroupName] = true
		}
		for _, g := range all.Groups {
			if !in[g.GroupName] {
				d.PoolGroups = append(d.PoolGroups, g)
			}
		}
	} else {
		problems = append(problems, errorText(err))
	}
	if devices, err := c.cfg.UserPools.AdminListDevices(ctx, &userpool.AdminListDevicesInput{UserRef: userpool.UserRef{UserPoolId: pool, Username: u.Username}, Limit: 60}); err == nil {
		d.Devices = devices.Devices
	}
	if len(problems) > 0 {
		v.Flash = flash{Text: strings.Join(problems, " "), Error: true}
	}
	c.show(w, r, rq, "user", v)
}

type userAction struct{ path, name string }

// userActions are the user page's buttons, each one Cognito admin operation.
func (c *Console) userActions() map[userAction]func(http.ResponseWriter, *http.Request, *request) error {
	ref := func(r *http.Request) *userpool.UserRef {
		return &userpool.UserRef{UserPoolId: r.PathValue("pool"), Username: r.PathValue("user")}
	}
	then := func(w http.ResponseWriter, r *http.Request, rq *request, err error, message string) error {
		if err != nil {
			return err
		}
		return c.done(w, r, rq, userPath(r.PathValue("pool"), r.PathValue("user")), message)
	}
	return map[userAction]func(http.ResponseWriter, *http.Request, *request) error{
		{"reset-password", "AdminResetUserPassword"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			u := ref(r)
			_, err := c.cfg.UserPools.AdminResetUserPassword(r.Context(), &userpool.AdminResetUserPasswordInput{UserPoolId: u.UserPoolId, Username: u.Username})
			return then(w, r, rq, err, "Password reset: the user must choose a new one with the code mailed to them.")
		},
		{"set-password", "AdminSetUserPassword"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			u := ref(r)
			_, err := c.cfg.UserPools.AdminSetUserPassword(r.Context(), &userpool.AdminSetUserPasswordInput{UserPoolId: u.UserPoolId, Username: u.Username,
				Password: r.PostFormValue("password"), Permanent: r.PostFormValue("permanent") == "on"})
			return then(w, r, rq, err, "Password set.")
		},
		{"disable", "AdminDisableUser"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			_, err := c.cfg.UserPools.AdminDisableUser(r.Context(), ref(r))
			return then(w, r, rq, err, "User disabled: they cannot sign in, and their refresh tokens no longer work.")
		},
		{"enable", "AdminEnableUser"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			_, err := c.cfg.UserPools.AdminEnableUser(r.Context(), ref(r))
			return then(w, r, rq, err, "User enabled.")
		},
		{"sign-out", "AdminUserGlobalSignOut"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			_, err := c.cfg.UserPools.AdminUserGlobalSignOut(r.Context(), ref(r))
			return then(w, r, rq, err, "Signed out everywhere: every refresh token the user holds is revoked.")
		},
		{"groups/add", "AdminAddUserToGroup"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			u := ref(r)
			group := r.PostFormValue("group")
			_, err := c.cfg.UserPools.AdminAddUserToGroup(r.Context(), &userpool.MembershipInput{UserPoolId: u.UserPoolId, Username: u.Username, GroupName: group})
			return then(w, r, rq, err, "Added to group "+group+".")
		},
		{"groups/remove", "AdminRemoveUserFromGroup"}: func(w http.ResponseWriter, r *http.Request, rq *request) error {
			u := ref(r)
			group := r.PostFormValue("group")
			_, err := c.cfg.UserPools.AdminRemoveUserFromGroup(r.Context(), &userpool.MembershipInput{UserPoolId: u.UserPoolId, Username: u.Username, GroupName: group})
			return then(w, r, rq, err, "Removed from group "+group+".")
		},
	}
}
