package apigatewayapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

type createAPIKeyRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Enabled     bool   `json:"enabled"`
	Value       string `json:"value"`
	CustomerID  string `json:"customerId"`
	StageKeys   []struct {
		RestAPIID string `json:"restApiId"`
		StageName string `json:"stageName"`
	} `json:"stageKeys"`
	Tags map[string]string `json:"tags"`
}

func (h *Handler) createAPIKey(ctx context.Context, c *call) (int, any, error) {
	var in createAPIKeyRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	attrs := keyAttributes{CustomerID: in.CustomerID, Tags: in.Tags}
	for _, sk := range in.StageKeys {
		attrs.StageKeys = append(attrs.StageKeys, sk.RestAPIID+"/"+sk.StageName)
	}
	k, value, err := h.cfg.Usage.CreateAPIKey(ctx, usage.NewAPIKey{Name: in.Name, Description: in.Description,
		Enabled: in.Enabled, Value: in.Value, Attributes: attrs.bytes()})
	switch {
	case errors.Is(err, usage.ErrInvalidValue):
		return 0, nil, badRequest("API Key value should be at least 20 characters and only contain alphanumeric characters")
	case errors.Is(err, store.ErrAlreadyExists):
		return 0, nil, conflict("API Key already exists")
	case err != nil:
		return 0, nil, refused(err)
	}
	return http.StatusCreated, apiKeyOut(k, value), nil
}

func (h *Handler) findAPIKey(ctx context.Context, id string) (store.APIKey, error) {
	k, err := h.cfg.Store.GetAPIKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return k, notFound("Invalid API Key identifier specified")
	}
	return k, err
}

// withValue is the key as GetApiKey answers, its value included when asked.
func (h *Handler) withValue(k store.APIKey, include bool) (apiKeyJSON, error) {
	if !include {
		return apiKeyOut(k, ""), nil
	}
	v, err := h.cfg.Usage.KeyValue(k)
	if err != nil {
		return apiKeyJSON{}, err
	}
	return apiKeyOut(k, v), nil
}

func (h *Handler) getAPIKey(ctx context.Context, c *call) (int, any, error) {
	include, err := boolParam(c.r.URL.Query(), "includeValue")
	if err != nil {
		return 0, nil, err
	}
	k, err := h.findAPIKey(ctx, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out, err := h.withValue(k, include)
	return http.StatusOK, out, err
}

func (h *Handler) getAPIKeys(ctx context.Context, c *call) (int, any, error) {
	q := c.r.URL.Query()
	include, err := boolParam(q, "includeValues")
	if err != nil {
		return 0, nil, err
	}
	all, err := h.cfg.Store.ListAPIKeys(ctx)
	if err != nil {
		return 0, nil, err
	}
	name, customer := q.Get("name"), q.Get("customerId")
	var matching []store.APIKey
	for _, k := range all {
		if strings.HasPrefix(k.Name, name) && (customer == "" || readKeyAttributes(k).CustomerID == customer) {
			matching = append(matching, k)
		}
	}
	out, err := answerPage(matching, func(k store.APIKey) string { return k.ID }, q,
		func(k store.APIKey) (apiKeyJSON, error) { return h.withValue(k, include) })
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (h *Handler) updateAPIKey(ctx context.Context, c *call) (int, any, error) {
	var in patchRequest
	if err := c.decode(&in); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := h.findAPIKey(ctx, id); err != nil {
		return 0, nil, err
	}
	err := h.cfg.Usage.UpdateAPIKey(ctx, id, func(k *store.APIKey) error {
		for _, op := range in.PatchOperations {
			if err := patchAPIKey(k, op); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("Invalid API Key identifier specified")
	}
	if err != nil {
		return 0, nil, refused(err)
	}
	k, err := h.findAPIKey(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, apiKeyOut(k, ""), nil
}

// patchAPIKey applies one UpdateApiKey operation.
func patchAPIKey(k *store.APIKey, op patchOperation) error {
	if op.Op != "replace" {
		return badRequest("Invalid patch operation specified. Must be 'replace' for path " + op.Path)
	}
	switch op.Path {
	case "/enabled":
		b, err := strconv.ParseBool(op.Value)
		if err != nil {
			return badRequest("Invalid value for /enabled: must be true or false")
		}
		k.Enabled = b
	case "/name":
		k.Name = op.Value
	case "/description":
		k.Description = op.Value
	case "/customerId":
		a := readKeyAttributes(*k)
		a.CustomerID = op.Value
		k.Attributes = a.bytes()
	default:
		return badRequest("Invalid patch path " + op.Path)
	}
	return nil
}

func (h *Handler) deleteAPIKey(ctx context.Context, c *call) (int, any, error) {
	err := h.cfg.Usage.DeleteAPIKey(ctx, c.r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("Invalid API Key identifier specified")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}
