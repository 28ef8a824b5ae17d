package lambdaapi

import (
	"context"
	"net/http"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/functions"
)

func (h *Handler) addPermission(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	var in struct {
		StatementID      string `json:"StatementId"`
		Action           string `json:"Action"`
		Principal        string `json:"Principal"`
		SourceArn        string `json:"SourceArn"`
		SourceAccount    string `json:"SourceAccount"`
		RevisionID       string `json:"RevisionId"`
		EventSourceToken string `json:"EventSourceToken"`
		PrincipalOrgID   string `json:"PrincipalOrgID"`
		FunctionURLAuth  string `json:"FunctionUrlAuthType"`
	}
	if err := decode(c, &in); err != nil {
		return 0, nil, err
	}
	if in.EventSourceToken != "" || in.PrincipalOrgID != "" || in.FunctionURLAuth != "" {
		return 0, nil, invalidParam("moat does not support EventSourceToken, PrincipalOrgID or FunctionUrlAuthType in permissions.")
	}
	stmt, err := h.runtime.AddPermission(ctx, c.Request.PathValue("FunctionName"), functions.Permission{
		StatementID: in.StatementID, Action: in.Action, Principal: in.Principal, SourceARN: in.SourceArn,
		SourceAccount: in.SourceAccount, Qualifier: c.Request.URL.Query().Get("Qualifier"), RevisionID: in.RevisionID,
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]string{"Statement": stmt}, nil
}

func (h *Handler) getPolicy(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	policy, revision, err := h.runtime.GetPolicy(ctx, function(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"Policy": policy, "RevisionId": revision}, nil
}

func (h *Handler) removePermission(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	q := c.Request.URL.Query()
	err := h.runtime.RemovePermission(ctx, c.Request.PathValue("FunctionName"), c.Request.PathValue("StatementId"), q.Get("Qualifier"), q.Get("RevisionId"))
	return http.StatusNoContent, nil, err
}
