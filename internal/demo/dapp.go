package demo

import (
	"context"
	"fmt"
	"net/url"

	"github.com/moat-dev/moat/internal/identitypool"
	"github.com/moat-dev/moat/internal/roles"
	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/userpool"
)

// The dApp half of the demo: wallet sign-in (EIP-4361) into the demo pool,
// an identity pool whose roles may call the demo API's IAM routes, and the
// routes AWS's digital-wallet guidance has — a third-party NFT API behind
// the user-pool authorizer with its key injected, and SigV4 routes for
// identity-pool credentials (one of them open to guests).
const (
	DappClientName   = "demo-dapp"
	IdentityPoolName = "moat_demo_identities"
	DappUserRole     = "moat-demo-dapp-user"
	DappGuestRole    = "moat-demo-dapp-guest"
	// APIID is the demo API's execute-api id, fixed so role policies can name it.
	APIID = "moatdemo00"
)

// dappSeeded is the dApp's app client and identity pool.
type dappSeeded struct {
	ClientID, IdentityPoolID string
}

// seedDapp finds or creates the dApp's client, identity pool and roles, and
// brings their settings up to date (the gateway's address can change
// between starts, and the wallet client names it).
func seedDapp(ctx context.Context, cfg Config, poolID string) (dappSeeded, error) {
	site, err := url.Parse(cfg.GatewayURL)
	if err != nil || site.Host == "" {
		return dappSeeded{}, fmt.Errorf("dApp: gateway URL %q: %v", cfg.GatewayURL, err)
	}
	client := userpool.ClientConfig{
		ExplicitAuthFlows: []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		MoatWalletSignIn: &userpool.WalletSignIn{
			Enabled: true, Domain: site.Host, URI: cfg.GatewayURL + "/dapp/dapp.html", ChainIds: []uint64{1},
			Statement: "Sign in to the moat dApp demo.",
		},
	}
	clientID, err := claim(ctx, cfg.Store, "demo.dapp-client", demoClient{pools: cfg.Pools, poolID: poolID, name: DappClientName, config: client})
	if err != nil {
		return dappSeeded{}, err
	}
	if _, err := cfg.Pools.UpdateUserPoolClient(ctx, &userpool.UpdateUserPoolClientInput{
		UserPoolId: poolID, ClientId: clientID, ClientName: DappClientName, ClientConfig: client,
	}); err != nil {
		return dappSeeded{}, fmt.Errorf("dApp client: %w", err)
	}

	provider := "cognito-idp." + cfg.Pools.Region() + ".amazonaws.com/" + poolID
	idPoolID, err := claim(ctx, cfg.Store, "demo.identity-pool", demoIdentityPool{cfg.IdentityPools, identitypool.IdentityPool{
		IdentityPoolName: IdentityPoolName, AllowUnauthenticatedIdentities: true,
		CognitoIdentityProviders: []identitypool.Provider{{ProviderName: provider, ClientId: clientID}},
	}})
	if err != nil {
		return dappSeeded{}, err
	}
	userRole, err := declareRole(ctx, cfg.Roles, DappUserRole, idPoolID, "authenticated", "/GET/collection", "/GET/floor-price")
	if err != nil {
		return dappSeeded{}, err
	}
	guestRole, err := declareRole(ctx, cfg.Roles, DappGuestRole, idPoolID, "unauthenticated", "/GET/floor-price")
	if err != nil {
		return dappSeeded{}, err
	}
	if _, err := cfg.IdentityPools.SetIdentityPoolRoles(ctx, &identitypool.PoolRoles{
		IdentityPoolId: idPoolID, Roles: map[string]string{"authenticated": userRole.ARN, "unauthenticated": guestRole.ARN},
	}); err != nil {
		return dappSeeded{}, fmt.Errorf("dApp identity pool roles: %w", err)
	}
	return dappSeeded{ClientID: clientID, IdentityPoolID: idPoolID}, nil
}

// declareRole makes a role identities of the pool may assume (bound to the
// pool id and to amr, as AWS's identity-pool guidance asks) that may invoke
// the demo API's routes named by method and path.
func declareRole(ctx context.Context, rs *roles.Service, name, idPoolID, amr string, routes ...string) (store.Role, error) {
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":%q},
		"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":%q}}}]}`, idPoolID, amr)
	resources := ""
	for i, r := range routes {
		if i > 0 {
			resources += ","
		}
		resources += fmt.Sprintf("%q", "arn:aws:execute-api:*:*:"+APIID+"/*"+r)
	}
	invoke := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":[` + resources + `]}]}`
	role, err := rs.Declare(ctx, roles.Declaration{
		RoleInput: roles.RoleInput{Name: name, Description: "moat demo: dApp " + amr + " identities", AssumeRolePolicy: trust},
		Policies:  map[string]string{"invoke-demo-api": invoke},
	})
	if err != nil {
		return store.Role{}, fmt.Errorf("dApp role %s: %w", name, err)
	}
	return role, nil
}

// demoIdentityPool is the dApp's identity pool, found by name.
type demoIdentityPool struct {
	ids  *identitypool.Service
	want identitypool.IdentityPool
}

func (p demoIdentityPool) find(ctx context.Context) (string, error) {
	in := &identitypool.ListIdentityPoolsInput{MaxResults: 60}
	for {
		out, err := p.ids.ListIdentityPools(ctx, in)
		if err != nil {
			return "", err
		}
		for _, d := range out.IdentityPools {
			if d.IdentityPoolName == p.want.IdentityPoolName {
				return d.IdentityPoolId, nil
			}
		}
		if out.NextToken == "" {
			return "", nil
		}
		in.NextToken = out.NextToken
	}
}

func (p demoIdentityPool) create(ctx context.Context) (string, error) {
	want := p.want
	out, err := p.ids.CreateIdentityPool(ctx, &want)
	if err != nil {
		return "", err
	}
	return out.IdentityPoolId, nil
}

func (p demoIdentityPool) remove(ctx context.Context, id string) error {
	_, err := p.ids.DeleteIdentityPool(ctx, &identitypool.PoolIDInput{IdentityPoolId: id})
	return err
}

func (p demoIdentityPool) exists(ctx context.Context, id string) (bool, error) {
	_, err := p.ids.DescribeIdentityPool(ctx, &identitypool.PoolIDInput{IdentityPoolId: id})
	return found(err)
}
