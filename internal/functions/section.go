package functions

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/configfile"
)

// Section is the config file's functions:. At every start each function
// is created or brought to what the file says (Apply), so teams that deploy
// from files need no API calls; changes made through the Lambda API to the
// functions it names are undone at the next start.
type Section []FunctionConfig

// FunctionConfig declares a function (one item of functions:).
type FunctionConfig struct {
	Name        string `yaml:"name"`
	Runtime     string `yaml:"runtime,omitempty"`
	Handler     string `yaml:"handler,omitempty"`
	Role        string `yaml:"role"`
	Description string `yaml:"description,omitempty"`
	Timeout     int64  `yaml:"timeout,omitempty"`
	MemorySize  int64  `yaml:"memorySize,omitempty"`
	// Code is the package: a directory (zipped as it is) or a .zip file,
	// relative to the config file.
	Code string `yaml:"code,omitempty"`
	// URL, instead of Code, is a remote endpoint invocations are POSTed to.
	URL                 string            `yaml:"url,omitempty"`
	Architectures       []string          `yaml:"architectures,omitempty"`
	Environment         map[string]string `yaml:"environment,omitempty"`
	ReservedConcurrency *int64            `yaml:"reservedConcurrency,omitempty"`
}

func (c FunctionConfig) definition() Definition {
	return Definition{Runtime: c.Runtime, Handler: c.Handler, Role: c.Role, Description: c.Description,
		Timeout: c.Timeout, MemorySize: c.MemorySize, Architectures: c.Architectures, Environment: c.Environment, URL: c.URL}
}

// Validate checks every function as CreateFunction would (bar its role,
// which Apply finds among moat's roles); errors name the setting by index
// and YAML key.
func (s Section) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range s {
		at := configfile.Index("", i)
		if err := checkName(c.Name); err != nil {
			errs = append(errs, configfile.At(at+".name", withoutCode(err)))
			continue
		}
		if seen[c.Name] {
			errs = append(errs, configfile.Errorf(at+".name", "%q is declared twice", c.Name))
		}
		seen[c.Name] = true
		if (c.Code == "") == (c.URL == "") {
			errs = append(errs, configfile.Errorf(at, "give either code (a directory or a .zip) or url"))
			continue
		}
		d := c.definition()
		if err := d.check(c.Code != ""); err != nil {
			errs = append(errs, configfile.At(at, withoutCode(err)))
		}
		if c.ReservedConcurrency != nil && *c.ReservedConcurrency < 0 {
			errs = append(errs, configfile.Errorf(at+".reservedConcurrency", "must be 0 or more"))
		}
	}
	return errors.Join(errs...)
}

// Apply makes the store hold the declared functions; base is the config
// file the code paths are relative to. Running it again changes nothing,
// so every replica may run it at start.
func (s Section) Apply(ctx context.Context, r *Runtime, configFile string) error {
	if err := s.Validate(); err != nil {
		return configfile.At("functions", err)
	}
	base := filepath.Dir(configFile)
	for i, c := range s {
		if err := r.declare(ctx, c, base); err != nil {
			return configfile.At(configfile.Index("functions", i), withoutCode(err))
		}
	}
	return nil
}

func (r *Runtime) declare(ctx context.Context, c FunctionConfig, base string) error {
	var pkg []byte
	if c.Code != "" {
		var err error
		if pkg, err = readPackage(filepath.Join(base, c.Code)); err != nil {
			return err
		}
	}
	existing, err := r.Get(ctx, c.Name)
	if e, ok := awserr.As(err); ok && e.Code == codeNotFound {
		if _, err := r.Create(ctx, c.Name, c.definition(), pkg); err != nil {
			return err
		}
		return r.declareConcurrency(ctx, c, -1)
	}
	if err != nil {
		return err
	}
	if pkg != nil && codeSha256(pkg) != existing.CodeSha256 {
		if _, err := r.UpdateCode(ctx, c.Name, pkg, nil, ""); err != nil {
			return err
		}
	}
	d := c.definition()
	if err := d.check(false); err != nil {
		return err
	}
	if d.Runtime != existing.Runtime || d.Handler != existing.Handler || d.Role != existing.Role ||
		d.Description != existing.Description || d.Timeout != existing.Timeout || d.MemorySize != existing.MemorySize ||
		d.URL != existing.URL || !maps.Equal(d.Environment, existing.Variables) && len(d.Environment)+len(existing.Variables) > 0 {
		vars := d.Environment
		if _, err := r.UpdateConfiguration(ctx, c.Name, Change{Runtime: &d.Runtime, Handler: &d.Handler, Role: &d.Role,
			Description: &d.Description, URL: &d.URL, Timeout: &d.Timeout, MemorySize: &d.MemorySize, Environment: &vars}); err != nil {
			return err
		}
	}
	return r.declareConcurrency(ctx, c, existing.ReservedConcurrency)
}

func (r *Runtime) declareConcurrency(ctx context.Context, c FunctionConfig, current int64) error {
	want := int64(-1)
	if c.ReservedConcurrency != nil {
		want = *c.ReservedConcurrency
	}
	switch {
	case want == current:
		return nil
	case want < 0:
		return r.DeleteConcurrency(ctx, c.Name)
	}
	_, err := r.PutConcurrency(ctx, c.Name, want)
	return err
}

// readPackage is a .zip file as it is, or a directory zipped the same way
// every time (sorted names, fixed times), so an unchanged directory keeps
// its CodeSha256 and Apply leaves it be.
func readPackage(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return os.ReadFile(path)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range files {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(path, p)
		h := &zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()}
		h.SetMode(info.Mode().Perm())
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withoutCode is Lambda's message alone: the file's reader needs the
// reason, not the wire's error code.
func withoutCode(err error) error {
	if e, ok := awserr.As(err); ok && e.Status < 500 {
		return errors.New(strings.TrimSpace(e.Message))
	}
	return err
}
