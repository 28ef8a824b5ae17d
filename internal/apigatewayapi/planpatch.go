package apigatewayapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/moat-dev/moat/internal/store"
)

// patchUsagePlan applies one UpdateUsagePlan operation. Paths, as API
// Gateway takes them:
//
//	replace /name, /description
//	replace /throttle/rateLimit, /throttle/burstLimit; remove /throttle
//	replace /quota/limit, /quota/offset, /quota/period; remove /quota
//	add or remove /apiStages with value "apiId:stage"
//	replace /apiStages/apiId:stage/throttle/<resourcePath>/<METHOD>/rateLimit (or burstLimit)
//	remove /apiStages/apiId:stage/throttle/<resourcePath>/<METHOD>
//
// The resource path may have its slashes escaped as ~1 (JSON Pointer).
// usage.Service.UpdatePlan validates the result.
func patchUsagePlan(p *store.UsagePlan, op patchOperation) error {
	switch {
	case op.Path == "/name" || op.Path == "/description":
		if op.Op != "replace" {
			return badOp(op)
		}
		if op.Path == "/name" {
			p.Name = op.Value
		} else {
			p.Description = op.Value
		}
		return nil
	case op.Path == "/throttle" && op.Op == "remove":
		p.Throttle = nil
		return nil
	case strings.HasPrefix(op.Path, "/throttle/"):
		if p.Throttle == nil {
			p.Throttle = &store.Throttle{}
		}
		return patchThrottle(p.Throttle, strings.TrimPrefix(op.Path, "/throttle/"), op)
	case op.Path == "/quota" && op.Op == "remove":
		p.Quota = nil
		return nil
	case strings.HasPrefix(op.Path, "/quota/"):
		if p.Quota == nil {
			p.Quota = &store.Quota{}
		}
		return patchQuota(p.Quota, strings.TrimPrefix(op.Path, "/quota/"), op)
	case op.Path == "/apiStages":
		return patchStages(p, op)
	case strings.HasPrefix(op.Path, "/apiStages/"):
		return patchMethodThrottle(p, strings.TrimPrefix(op.Path, "/apiStages/"), op)
	}
	return badRequest("Invalid patch path " + op.Path)
}

func badOp(op patchOperation) error {
	return badRequest("Invalid patch operation " + op.Op + " for path " + op.Path)
}

func patchThrottle(t *store.Throttle, field string, op patchOperation) error {
	if op.Op != "replace" {
		return badOp(op)
	}
	switch field {
	case "rateLimit":
		v, err := strconv.ParseFloat(op.Value, 64)
		if err != nil {
			return badRequest("Invalid rateLimit " + strconv.Quote(op.Value))
		}
		t.RateLimit = v
	case "burstLimit":
		v, err := strconv.Atoi(op.Value)
		if err != nil {
			return badRequest("Invalid burstLimit " + strconv.Quote(op.Value))
		}
		t.BurstLimit = v
	default:
		return badRequest("Invalid patch path " + op.Path)
	}
	return nil
}

func patchQuota(q *store.Quota, field string, op patchOperation) error {
	if op.Op != "replace" {
		return badOp(op)
	}
	switch field {
	case "period":
		q.Period = op.Value
		return nil
	case "limit", "offset":
		v, err := strconv.ParseInt(op.Value, 10, 64)
		if err != nil {
			return badRequest("Invalid quota " + field + " " + strconv.Quote(op.Value))
		}
		if field == "limit" {
			q.Limit = v
		} else {
			q.Offset = v
		}
		return nil
	}
	return badRequest("Invalid patch path " + op.Path)
}

// splitStage reads "apiId:stage".
func splitStage(s string) (apiID, stage string, err error) {
	apiID, stage, ok := strings.Cut(s, ":")
	if !ok || apiID == "" || stage == "" {
		return "", "", badRequest("Invalid API stage " + strconv.Quote(s) + ": must be apiId:stage")
	}
	return apiID, stage, nil
}

func patchStages(p *store.UsagePlan, op patchOperation) error {
	apiID, stage, err := splitStage(op.Value)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(p.Stages, func(s store.UsagePlanStage) bool { return s.APIID == apiID && s.Stage == stage })
	switch op.Op {
	case "add":
		if i >= 0 {
			return conflict("API stage " + op.Value + " is already in the usage plan")
		}
		p.Stages = append(p.Stages, store.UsagePlanStage{APIID: apiID, Stage: stage})
	case "remove":
		if i < 0 {
			return notFound("API stage " + op.Value + " is not in the usage plan")
		}
		p.Stages = slices.Delete(p.Stages, i, i+1)
	default:
		return badOp(op)
	}
	return nil
}

// patchMethodThrottle handles apiId:stage/throttle/<resourcePath>/<METHOD>[/field].
func patchMethodThrottle(p *store.UsagePlan, rest string, op patchOperation) error {
	stageID, tail, ok := strings.Cut(rest, "/throttle/")
	if !ok {
		return badRequest("Invalid patch path " + op.Path)
	}
	apiID, stage, err := splitStage(stageID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(p.Stages, func(s store.UsagePlanStage) bool { return s.APIID == apiID && s.Stage == stage })
	if i < 0 {
		return notFound("API stage " + stageID + " is not in the usage plan")
	}
	st := &p.Stages[i]
	tail = strings.NewReplacer("~1", "/", "~0", "~").Replace(tail)
	if op.Op == "remove" {
		key := "/" + strings.TrimPrefix(tail, "/")
		if _, ok := st.MethodThrottles[key]; !ok {
			return notFound("No throttle for " + key + " in API stage " + stageID)
		}
		delete(st.MethodThrottles, key)
		return nil
	}
	cut := strings.LastIndexByte(tail, '/')
	if cut < 0 {
		return badRequest("Invalid patch path " + op.Path)
	}
	key, field := "/"+strings.TrimPrefix(tail[:cut], "/"), tail[cut+1:]
	t := st.MethodThrottles[key]
	if err := patchThrottle(&t, field, op); err != nil {
		return err
	}
	if st.MethodThrottles == nil {
		st.MethodThrottles = map[string]store.Throttle{}
	}
	st.MethodThrottles[key] = t
	return nil
}
