// Package functionstest builds deployment packages for tests, as a team's
// build would: a zip of named files, each executable (a bootstrap must be);
// and stores the execution role test functions run as.
package functionstest

import (
	"archive/zip"
	"bytes"
	"testing"
)

// Zip is a deployment package holding files (name → content).
func Zip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, content := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
