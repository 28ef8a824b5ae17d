package functions

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// Lambda's limits on a deployment package.
const (
	maxZipSize      = 50 << 20
	maxUnzippedSize = 262144000
)

// codeSha256 is how Lambda reports a package: base64 of its SHA-256.
func codeSha256(zip []byte) string {
	sum := sha256.Sum256(zip)
	return base64.StdEncoding.EncodeToString(sum[:])
}

var errUnzip = invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")

// checkZip refuses a package moat could not unpack safely: not a zip,
// entries escaping the task root or links, or too large unzipped.
func checkZip(b []byte) error {
	if len(b) > maxZipSize {
		return invalidParam("Zipped size must be smaller than %d bytes", maxZipSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return errUnzip
	}
	var total uint64
	for _, f := range zr.File {
		if _, ok := entryPath(f.Name); !ok || f.Mode()&os.ModeSymlink != 0 {
			return errUnzip
		}
		total += f.UncompressedSize64
	}
	if total > maxUnzippedSize {
		return invalidParam("Unzipped size must be smaller than %d bytes", maxUnzippedSize)
	}
	return nil
}

// entryPath is a zip entry's path inside the task root; false for names
// that are absolute or climb out of it.
func entryPath(name string) (string, bool) {
	name = strings.ReplaceAll(name, "\\", "/")
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\x00") {
		return "", false
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	return clean, true
}

// taskRoot is the directory holding fn's code version, unpacked from the
// store the first time any worker of that version needs it.
func (r *Runtime) taskRoot(ctx context.Context, fn store.Function) (string, error) {
	sum, err := base64.StdEncoding.DecodeString(fn.CodeSha256)
	if err != nil {
		return "", fmt.Errorf("function %s: CodeSha256 %q: %w", fn.Name, fn.CodeSha256, err)
	}
	dir := filepath.Join(r.workDir, "code", fn.Name, hex.EncodeToString(sum))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	r.unpacking.Lock()
	defer r.unpacking.Unlock()
	if _, err := os.Stat(dir); err == nil { // another invocation unpacked it meanwhile
		return dir, nil
	}
	b, err := r.store.GetFunctionCode(ctx, fn.Name, fn.CodeSha256)
	if err != nil {
		return "", err
	}
	tmp := dir + ".tmp-" + rand.Text()
	if err := unzipTo(b, tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("function %s: unpack: %w", fn.Name, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		return "", err
	}
	return dir, nil
}

func unzipTo(b []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range zr.File {
		name, ok := entryPath(f.Name)
		if !ok || f.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("entry %q is not inside the package", f.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := unzipFile(f, target); err != nil {
			return err
		}
	}
	return nil
}

func unzipFile(f *zip.File, target string) error {
	mode := f.Mode().Perm() | 0o400 // always readable by the worker
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, io.LimitReader(src, maxUnzippedSize)); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
