package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/moat-dev/moat/internal/awsapi"
	"github.com/moat-dev/moat/internal/awserr"
	"github.com/moat-dev/moat/internal/functions"
)

// code is FunctionCode: moat takes the package inline only.
type code struct {
	ZipFile         []byte `json:"ZipFile"` // base64 on the wire
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageURI        string `json:"ImageUri"`
}

// unsupported are CreateFunction's and UpdateFunctionConfiguration's
// settings moat cannot honour: sent with a value, they are refused rather
// than stored and ignored.
type unsupported struct {
	Layers            []string `json:"Layers"`
	VpcConfig         *struct{ SubnetIds, SecurityGroupIds []string }
	DeadLetterConfig  *struct{ TargetArn string }
	KMSKeyArn         string `json:"KMSKeyArn"`
	TracingConfig     *struct{ Mode string }
	EphemeralStorage  *ephemeralStorage
	FileSystemConfigs []json.RawMessage `json:"FileSystemConfigs"`
	ImageConfig       json.RawMessage   `json:"ImageConfig"`
	SnapStart         *struct{ ApplyOn string }
	Tags              map[string]string `json:"Tags"`
	CodeSigningConfig string            `json:"CodeSigningConfigArn"`
}

func (u *unsupported) check() error {
	refuse := func(what string) error { return invalidParam("moat does not support " + what + ".") }
	switch {
	case len(u.Layers) > 0:
		return refuse("Layers")
	case u.VpcConfig != nil && len(u.VpcConfig.SubnetIds)+len(u.VpcConfig.SecurityGroupIds) > 0:
		return refuse("VpcConfig")
	case u.DeadLetterConfig != nil && u.DeadLetterConfig.TargetArn != "":
		return refuse("DeadLetterConfig")
	case u.KMSKeyArn != "":
		return refuse("KMSKeyArn (environment variables are sealed under moat's master key)")
	case u.TracingConfig != nil && u.TracingConfig.Mode != "" && u.TracingConfig.Mode != "PassThrough":
		return refuse("TracingConfig Mode " + u.TracingConfig.Mode)
	case u.EphemeralStorage != nil && u.EphemeralStorage.Size != 512:
		return refuse("EphemeralStorage other than 512 MB")
	case len(u.FileSystemConfigs) > 0:
		return refuse("FileSystemConfigs")
	case len(u.ImageConfig) > 0 && string(u.ImageConfig) != "null":
		return refuse("ImageConfig")
	case u.SnapStart != nil && u.SnapStart.ApplyOn != "" && u.SnapStart.ApplyOn != "None":
		return refuse("SnapStart")
	case len(u.Tags) > 0:
		return refuse("Tags on functions")
	case u.CodeSigningConfig != "":
		return refuse("CodeSigningConfigArn")
	}
	return nil
}

func (c *code) zip() ([]byte, error) {
	if c.S3Bucket != "" || c.S3Key != "" || c.ImageURI != "" {
		return nil, invalidParam("moat takes a function's code as ZipFile only; S3 and container images are not supported.")
	}
	return c.ZipFile, nil
}

type createRequest struct {
	FunctionName  string `json:"FunctionName"`
	Runtime       string `json:"Runtime"`
	Role          string `json:"Role"`
	Handler       string `json:"Handler"`
	Description   string `json:"Description"`
	Timeout       int64  `json:"Timeout"`
	MemorySize    int64  `json:"MemorySize"`
	Code          code   `json:"Code"`
	Publish       bool   `json:"Publish"`
	PackageType   string `json:"PackageType"`
	Environment   *environment
	Architectures []string `json:"Architectures"`
	MoatEndpoint  string   `json:"MoatEndpoint"`
	unsupported
}

func (h *Handler) createFunction(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	var in createRequest
	if err := decode(c, &in); err != nil {
		return 0, nil, err
	}
	if err := in.check(); err != nil {
		return 0, nil, err
	}
	if in.Publish {
		return 0, nil, invalidParam("moat does not publish versions: functions run as $LATEST; leave Publish false.")
	}
	if in.PackageType != "" && in.PackageType != "Zip" {
		return 0, nil, invalidParam("moat runs Zip packages only.")
	}
	zip, err := in.Code.zip()
	if err != nil {
		return 0, nil, err
	}
	d := functions.Definition{Runtime: in.Runtime, Handler: in.Handler, Role: in.Role, Description: in.Description,
		Timeout: in.Timeout, MemorySize: in.MemorySize, Architectures: in.Architectures, URL: in.MoatEndpoint}
	if in.Environment != nil {
		d.Environment = in.Environment.Variables
	}
	f, err := h.runtime.Create(ctx, in.FunctionName, d, zip)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, configurationOf(f), nil
}

func (h *Handler) getFunction(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	f, err := h.runtime.Get(ctx, function(c))
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{"Configuration": configurationOf(f), "Code": map[string]string{"RepositoryType": "S3"}}
	if f.ReservedConcurrency >= 0 {
		out["Concurrency"] = map[string]int64{"ReservedConcurrentExecutions": f.ReservedConcurrency}
	}
	return http.StatusOK, out, nil
}

func (h *Handler) getFunctionConfiguration(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	f, err := h.runtime.Get(ctx, function(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, configurationOf(f), nil
}

func (h *Handler) listFunctions(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	n, err := maxItems(c)
	if err != nil {
		return 0, nil, err
	}
	fs, next, err := h.runtime.List(ctx, c.Request.URL.Query().Get("Marker"), n)
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Functions  []configuration `json:"Functions"`
		NextMarker string          `json:"NextMarker,omitempty"`
	}{Functions: []configuration{}, NextMarker: next}
	for _, f := range fs {
		conf := configurationOf(f)
		conf.State, conf.LastUpdateStatus = "", "" // ListFunctions leaves them out, as Lambda does
		out.Functions = append(out.Functions, conf)
	}
	return http.StatusOK, out, nil
}

func (h *Handler) updateFunctionCode(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	var in struct {
		code
		Publish       bool     `json:"Publish"`
		DryRun        bool     `json:"DryRun"`
		RevisionID    string   `json:"RevisionId"`
		Architectures []string `json:"Architectures"`
	}
	if err := decode(c, &in); err != nil {
		return 0, nil, err
	}
	if in.Publish || in.DryRun {
		return 0, nil, invalidParam("moat does not publish versions or dry-run code updates: leave Publish and DryRun false.")
	}
	zip, err := in.zip()
	if err != nil {
		return 0, nil, err
	}
	f, err := h.runtime.UpdateCode(ctx, c.Request.PathValue("FunctionName"), zip, in.Architectures, in.RevisionID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, configurationOf(f), nil
}

func (h *Handler) updateFunctionConfiguration(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	var in struct {
		Runtime, Role, Handler, Description *string
		Timeout, MemorySize                 *int64
		Environment                         *environment
		RevisionID                          string  `json:"RevisionId"`
		MoatEndpoint                        *string `json:"MoatEndpoint"`
		unsupported
	}
	if err := decode(c, &in); err != nil {
		return 0, nil, err
	}
	if err := in.check(); err != nil {
		return 0, nil, err
	}
	change := functions.Change{Runtime: in.Runtime, Handler: in.Handler, Role: in.Role, Description: in.Description,
		URL: in.MoatEndpoint, Timeout: in.Timeout, MemorySize: in.MemorySize, RevisionID: in.RevisionID}
	if in.Environment != nil {
		vars := in.Environment.Variables
		change.Environment = &vars
	}
	f, err := h.runtime.UpdateConfiguration(ctx, c.Request.PathValue("FunctionName"), change)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, configurationOf(f), nil
}

func (h *Handler) deleteFunction(ctx context.Context, c *awsapi.RESTCall) (int, any, error) {
	return http.StatusNoContent, nil, h.runtime.Delete(ctx, function(c))
}

func invalidParam(message string) error {
	return awserr.New("InvalidParameterValueException", message)
}
