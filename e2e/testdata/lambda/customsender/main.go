// Command customsender is the CustomEmailSender the custom sender e2e test
// deploys as provided.al2023: it opens the sealed code with docs/triggers.md's
// Go decryptCode and, instead of delivering it, writes the event and the
// code to $EVENTS_DIR/<triggerSource>-<userName>.json for the test.
package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	TriggerSource string `json:"triggerSource"`
	UserName      string `json:"userName"`
	Request       struct {
		Code string `json:"code"`
	} `json:"request"`
}

func decryptCode(code string) (string, error) {
	key, err := base64.StdEncoding.DecodeString(os.Getenv("MOAT_CUSTOM_SENDER_KEY"))
	if err != nil {
		return "", err
	}
	data, err := base64.StdEncoding.DecodeString(code)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	plain, err := gcm.Open(nil, data[:12], data[12:], nil)
	return string(plain), err
}

func handle(_ context.Context, raw json.RawMessage) error {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return err
	}
	code, err := decryptCode(e.Request.Code)
	if err != nil {
		return err
	}
	out, err := json.Marshal(map[string]any{"event": raw, "code": code})
	if err != nil {
		return err
	}
	file := filepath.Join(os.Getenv("EVENTS_DIR"), e.TriggerSource+"-"+e.UserName+".json")
	if err := os.WriteFile(file+".tmp", out, 0o600); err != nil {
		return err
	}
	return os.Rename(file+".tmp", file)
}

func main() { lambda.Start(handle) }
