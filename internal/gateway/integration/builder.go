package integration

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/moat-dev/moat/internal/gateway"
)

// Builder builds integrations sharing one tuned transport, plus one per
// distinct mTLS client certificate.
type Builder struct {
	// Functions runs lambda_proxy integrations' functions; nil: this moat
	// runs none, and a lambda_proxy route is refused at load.
	Functions gateway.FunctionInvoker
	// Cognito is what cognito_idp integrations need; nil: this moat serves
	// none, and a cognito_idp route is refused at load.
	Cognito *CognitoDeps

	shared *http.Transport
	conns  *backendConns // the lean path's, for plain-http backends
	mu     sync.Mutex
	mtls   map[gateway.ClientCertificate]*http.Transport
}

// NewBuilder returns a Builder; pass its New as gateway.Config.NewIntegration.
func NewBuilder() *Builder {
	return &Builder{shared: newTransport(nil), conns: newBackendConns(), mtls: map[gateway.ClientCertificate]*http.Transport{}}
}

// New builds route's integration; errors name the field at fault.
func (b *Builder) New(api *gateway.API, route *gateway.Route) (gateway.Integration, error) {
	c := route.Integration
	if build, ok := types[c.IntegrationType()]; ok {
		return build(b, api, c)
	}
	return nil, fmt.Errorf("type %q is not one of %s", c.Type, strings.Join(gateway.IntegrationTypes(), ", "))
}

// types builds each type gateway.IntegrationTypes names from its settings.
var types = map[string]func(*Builder, *gateway.API, gateway.IntegrationConfig) (gateway.Integration, error){
	gateway.HTTPProxyIntegration: func(b *Builder, _ *gateway.API, c gateway.IntegrationConfig) (gateway.Integration, error) {
		return b.newProxy(c.HTTPProxy())
	},
	gateway.MockIntegration: func(_ *Builder, _ *gateway.API, c gateway.IntegrationConfig) (gateway.Integration, error) {
		return newMock(c.Mock())
	},
	gateway.LambdaProxyIntegration: func(b *Builder, api *gateway.API, c gateway.IntegrationConfig) (gateway.Integration, error) {
		return b.newLambdaProxy(api, c)
	},
	gateway.CognitoIdpIntegration: func(b *Builder, api *gateway.API, c gateway.IntegrationConfig) (gateway.Integration, error) {
		return b.newCognitoProxy(api, c)
	},
}

// Close drops idle backend connections.
func (b *Builder) Close() {
	b.shared.CloseIdleConnections()
	b.conns.close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range b.mtls {
		t.CloseIdleConnections()
	}
}

func (b *Builder) transport(cert *gateway.ClientCertificate) (*http.Transport, error) {
	if cert == nil {
		return b.shared, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.mtls[*cert]; ok {
		return t, nil
	}
	tlsConfig, err := clientTLS(cert)
	if err != nil {
		return nil, err
	}
	t := newTransport(tlsConfig)
	b.mtls[*cert] = t
	return t, nil
}
