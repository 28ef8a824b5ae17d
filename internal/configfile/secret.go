package configfile

import (
	"fmt"
	"os"
	"strings"
)

// ReadSecret reads a secret the file points to rather than holds: the
// environment variable fromEnv, or else the file fromFile (its trailing
// newline trimmed). An error names neither the value nor more than where
// it was looked for.
func ReadSecret(fromEnv, fromFile string) (string, error) {
	if fromEnv != "" {
		v, ok := os.LookupEnv(fromEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("environment variable %s is not set", fromEnv)
		}
		return v, nil
	}
	b, err := os.ReadFile(fromFile)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
