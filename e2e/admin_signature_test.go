package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// An admin signature must bind the operation. Signed over host and
// x-amz-date alone, an AdminGetUser could be replayed as AdminDeleteUser
// by swapping X-Amz-Target; moat refuses the replay and the user stays.
func TestAdminSignatureBindsTheOperation(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{})
	c := m.cognito(t)
	poolID := createPool(t, c, "binding")
	createUser(t, c, poolID, "victim", "victim@example.com")

	body := mustJSON(t, map[string]string{"UserPoolId": poolID, "Username": "victim"})
	r, err := http.NewRequest(http.MethodPost, m.IdentityURL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.ContentLength = 0 // or the signer would sign content-length too
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret},
		r, hex.EncodeToString(sum[:]), "cognito-idp", m.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "SignedHeaders=host;x-amz-date,") {
		t.Fatalf("the signature should cover host and x-amz-date only: %s", auth)
	}
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", targetPrefix+"AdminDeleteUser")
	status, header, answer := send(t, r)
	if status != 400 || header.Get("x-amzn-ErrorType") != "IncompleteSignatureException" || !strings.Contains(answer, "'X-Amz-Target' must be a 'SignedHeader'") {
		t.Errorf("swapped X-Amz-Target: %d %s %s", status, header.Get("x-amzn-ErrorType"), answer)
	}
	if _, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("victim")}); err != nil {
		t.Fatalf("the user is gone after a refused replay: %v", err)
	}
}

// A presigned URL is a signature anyone holding the link can replay for
// days; the admin API takes signatures only in the Authorization header.
func TestAdminRefusesPresignedURLs(t *testing.T) {
	t.Parallel()
	m := startMoat(t, moatOptions{})
	body := `{"MaxResults":10}`
	r, err := http.NewRequest(http.MethodPost, m.IdentityURL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", targetPrefix+"ListUserPools")
	sum := sha256.Sum256([]byte(body))
	url, signed, err := v4.NewSigner().PresignHTTP(t.Context(), aws.Credentials{AccessKeyID: m.AdminKeyID, SecretAccessKey: m.AdminSecret},
		r, hex.EncodeToString(sum[:]), "cognito-idp", m.Region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	presigned, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	presigned.Header = signed.Clone()
	// The signer moves X-Amz-Target into the signed query; send it as a header too, as routing needs.
	presigned.Header.Set("X-Amz-Target", targetPrefix+"ListUserPools")
	status, header, answer := send(t, presigned)
	if status != 400 || header.Get("x-amzn-ErrorType") != "IncompleteSignatureException" || !strings.Contains(answer, "presigned URLs") {
		t.Errorf("presigned admin call: %d %s %s", status, header.Get("x-amzn-ErrorType"), answer)
	}
}

func send(t *testing.T, r *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, b := do(t, r)
	if !json.Valid(b) {
		t.Errorf("answer %q is not JSON", b)
	}
	return resp.StatusCode, resp.Header, string(b)
}
