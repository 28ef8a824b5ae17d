package triggers

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzDecodeReply: any answer a function gives is decoded or refused,
// never a panic, and an accepted one is a JSON object with a response.
func FuzzDecodeReply(f *testing.F) {
	for _, seed := range []string{`{"response":{"autoConfirmUser":true}}`, `{"response":null}`, `"garbage"`, `null`,
		`{"response":[]}`, `{}`, `{"response":{"claimsAndScopeOverrideDetails":{"groupOverrideDetails":null}}}`, `{"response":{"autoConfirmUser":"yes"}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var reply events.CognitoEventUserPoolsPreSignup
		if decodeReply(b, &reply) != nil {
			return
		}
		var envelope map[string]json.RawMessage
		if json.Unmarshal(b, &envelope) != nil || envelope["response"] == nil {
			t.Fatalf("accepted %q, which has no response", b)
		}
		var present groupOverridePresence
		_ = decodeReply(b, &multiReply{&reply, &present})
	})
}

// TestDecodeReply: the event returned is read; what is not the event is
// Cognito's "Unrecognizable lambda output".
func TestDecodeReply(t *testing.T) {
	var reply events.CognitoEventUserPoolsPreSignup
	if err := decodeReply([]byte(`{"version":"1","response":{"autoConfirmUser":true}}`), &reply); err != nil || !reply.Response.AutoConfirmUser {
		t.Fatalf("the event was not read: %v %+v", err, reply)
	}
	for _, bad := range []string{`"garbage"`, `null`, `{}`, `{"response":[1]}`, `{"response":"x"}`, `[]`, `{"response":{"autoConfirmUser":"yes"}}`} {
		if err := decodeReply([]byte(bad), &events.CognitoEventUserPoolsPreSignup{}); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
	o, err := (&Triggers{}).answer("PreSignUp", []byte(`{"errorMessage":"No.","errorType":"Error"}`), "Unhandled", nil, &reply)
	if o != functionFailed || err.Error() != "UserLambdaValidationException: PreSignUp failed with error No.." {
		t.Errorf("a handler error: %s %v", o, err)
	}
	o, err = (&Triggers{}).answer("PostAuthentication", nil, "", errTimedOut, &reply)
	if o != timedOut || err.Error() != "UnexpectedLambdaException: PostAuthentication invocation failed due to error Socket timeout while invoking Lambda function." {
		t.Errorf("a timeout: %s %v", o, err)
	}
}
