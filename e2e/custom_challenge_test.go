package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCustomChallengeTriggers: examples/wallet-lambdas' three Node.js
// functions, created with boto3's lambda client, sign an ethers wallet in
// through CUSTOM_AUTH, driven by boto3, by amazon-cognito-identity-js's
// customChallenge callback, and by the command-line dApp written for the
// built-in wallet sign-in.
func TestCustomChallengeTriggers(t *testing.T) {
	python := pythonWithBoto3(t)
	node := nodeWithClients(t)
	dir := t.TempDir()
	zips := map[string]string{}
	for _, name := range []string{"define-auth-challenge", "create-auth-challenge", "verify-auth-challenge"} {
		zips[name] = bundleWalletLambda(t, dir, name)
	}

	m := startMoat(t, moatOptions{Config: functionsRoleConfig})
	out := runClientScript(t, []string{python, filepath.Join("clients", "python", "custom_challenge_flow.py")}, "", append(m.adminEnv(),
		"MOAT_ROLE_ARN=arn:aws:iam::000000000000:role/lambda-exec",
		"MOAT_DEFINE_ZIP="+zips["define-auth-challenge"],
		"MOAT_CREATE_ZIP="+zips["create-auth-challenge"],
		"MOAT_VERIFY_ZIP="+zips["verify-auth-challenge"],
		"MOAT_NODE="+node,
	)...)
	var left struct{ Pool, Client, Key string }
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, `{"pool"`) {
			if err := json.Unmarshal([]byte(line), &left); err != nil {
				t.Fatalf("the boto3 flow's ids: %v", err)
			}
		}
	}
	if left.Key == "" {
		t.Fatal("the boto3 flow printed no pool, client and wallet")
	}
	runClientScript(t, []string{node, filepath.Join("clients", "node", "custom_challenge_signin.mjs")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_USER_POOL_ID="+left.Pool, "MOAT_CLIENT_ID="+left.Client, "MOAT_WALLET_KEY="+left.Key,
		"MOAT_PASSWORD=Wallet-Pass-1!")

	// The command-line dApp written for the built-in wallet sign-in signs
	// in unchanged through the functions.
	dapp := runClientScript(t, []string{node, filepath.Join("clients", "node", "wallet_signin.mjs")}, "",
		"MOAT_IDENTITY_URL="+m.IdentityURL, "MOAT_CLIENT_ID="+left.Client, "MOAT_WALLET_KEY="+left.Key)
	if !strings.Contains(dapp, `"cognito:username"`) || !strings.Contains(dapp, "Nonce: ") {
		t.Errorf("wallet_signin.mjs did not sign the functions' message in:\n%s", dapp)
	}
}

// bundleWalletLambda bundles examples/wallet-lambdas/<name>.mjs with its
// ethers into one index.js (esbuild, as the example's npm run build does)
// and zips it.
func bundleWalletLambda(t *testing.T, dir, name string) string {
	t.Helper()
	modules, err := filepath.Abs(filepath.Join(nodeClientsDir, "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name, "index.js")
	cmd := exec.Command(filepath.Join(modules, ".bin", "esbuild"), filepath.Join("..", "examples", "wallet-lambdas", name+".mjs"),
		"--bundle", "--platform=node", "--format=cjs", "--log-level=warning", "--outfile="+out)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules) // ethers from the e2e clients' install
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bundling %s: %v\n%s", name, err, b)
	}
	code, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return writeZip(t, filepath.Join(dir, name+".zip"), map[string]string{"index.js": string(code)})
}
