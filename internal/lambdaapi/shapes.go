package lambdaapi

import (
	"time"

	"github.com/moat-dev/moat/internal/functions"
)

// configuration is Lambda's FunctionConfiguration.
type configuration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int64             `json:"Timeout"`
	MemorySize       int64             `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environment      `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	State            string            `json:"State,omitempty"`
	LastUpdateStatus string            `json:"LastUpdateStatus,omitempty"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage ephemeralStorage  `json:"EphemeralStorage"`
	LoggingConfig    map[string]string `json:"LoggingConfig"`
	// MoatEndpoint is the remote endpoint of a function that runs elsewhere.
	MoatEndpoint string `json:"MoatEndpoint,omitempty"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

// lastModified is Lambda's timestamp form: 2019-08-14T22:26:11.234+0000.
const lastModified = "2006-01-02T15:04:05.000-0700"

func configurationOf(f functions.Function) configuration {
	c := configuration{
		FunctionName: f.Name, FunctionArn: f.ARN, Runtime: f.Runtime, Role: f.Role, Handler: f.Handler,
		CodeSize: f.CodeSize, Description: f.Description, Timeout: f.Timeout, MemorySize: f.MemorySize,
		LastModified: time.UnixMilli(f.LastModified).UTC().Format(lastModified), CodeSha256: f.CodeSha256,
		Version: "$LATEST", TracingConfig: map[string]string{"Mode": "PassThrough"}, RevisionID: f.RevisionID,
		State: "Active", LastUpdateStatus: "Successful", PackageType: "Zip", Architectures: f.Architectures,
		EphemeralStorage: ephemeralStorage{Size: 512},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + f.Name},
		MoatEndpoint:     f.URL,
	}
	if len(f.Variables) > 0 {
		c.Environment = &environment{Variables: f.Variables}
	}
	return c
}

// ephemeralStorage is a function's /tmp, in MB: moat's workers get the
// machine's, so only Lambda's default of 512 is accepted.
type ephemeralStorage struct {
	Size int `json:"Size"`
}
