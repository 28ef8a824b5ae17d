package apidef

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/moat-dev/moat/internal/gateway"
	"go.yaml.in/yaml/v3"
)

// LoadFile reads an API file: an OpenAPI 3 (or Swagger 2) document with API
// Gateway's extensions, JSON or YAML, or moat's own YAML with an apis: list.
// Warnings name extensions that are accepted but have no effect.
func LoadFile(path string) (apis []gateway.API, warnings []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	apis, warnings, err = Load(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range warnings {
		warnings[i] = path + ": " + warnings[i]
	}
	return apis, warnings, nil
}

// Load parses one API document; see LoadFile.
func Load(data []byte) ([]gateway.API, []string, error) {
	var probe struct {
		OpenAPI string `yaml:"openapi"`
		Swagger string `yaml:"swagger"`
	}
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return nil, nil, err
	}
	if probe.OpenAPI != "" || probe.Swagger != "" {
		api, warnings, err := fromOpenAPI(data)
		if err != nil {
			return nil, nil, err
		}
		return []gateway.API{api}, warnings, nil
	}
	apis, err := decodeAPIs(data)
	return apis, nil, err
}

// decodeAPIs reads moat's YAML, {apis: [...]}, strictly: an unknown key is
// an error naming it and its line.
func decodeAPIs(data []byte) ([]gateway.API, error) {
	var doc struct {
		APIs []gateway.API `yaml:"apis"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(doc.APIs) == 0 {
		return nil, errors.New("no apis: list and no openapi: document")
	}
	return doc.APIs, nil
}
