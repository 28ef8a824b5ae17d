package apigatewayapi

import "github.com/moat-dev/moat/internal/awsapi"

// routes are the management operations moat serves, by botocore's names.
func (h *Handler) routes() []awsapi.Route {
	return []awsapi.Route{
		h.route("CreateApiKey", "POST /apikeys", h.createAPIKey),
		h.route("GetApiKeys", "GET /apikeys", h.getAPIKeys),
		h.route("GetApiKey", "GET /apikeys/{id}", h.getAPIKey),
		h.route("UpdateApiKey", "PATCH /apikeys/{id}", h.updateAPIKey),
		h.route("DeleteApiKey", "DELETE /apikeys/{id}", h.deleteAPIKey),
		h.route("CreateUsagePlan", "POST /usageplans", h.createUsagePlan),
		h.route("GetUsagePlans", "GET /usageplans", h.getUsagePlans),
		h.route("GetUsagePlan", "GET /usageplans/{id}", h.getUsagePlan),
		h.route("UpdateUsagePlan", "PATCH /usageplans/{id}", h.updateUsagePlan),
		h.route("DeleteUsagePlan", "DELETE /usageplans/{id}", h.deleteUsagePlan),
		h.route("CreateUsagePlanKey", "POST /usageplans/{id}/keys", h.createUsagePlanKey),
		h.route("GetUsagePlanKeys", "GET /usageplans/{id}/keys", h.getUsagePlanKeys),
		h.route("GetUsagePlanKey", "GET /usageplans/{id}/keys/{keyId}", h.getUsagePlanKey),
		h.route("DeleteUsagePlanKey", "DELETE /usageplans/{id}/keys/{keyId}", h.deleteUsagePlanKey),
		h.route("GetUsage", "GET /usageplans/{id}/usage", h.getUsage),
		h.route("UpdateUsage", "PATCH /usageplans/{id}/keys/{keyId}/usage", h.updateUsage),
	}
}
