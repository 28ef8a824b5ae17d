package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/moat-dev/moat/internal/functions"
)

func (c *Console) functionsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	showList(c, w, r, rq, "functions", &view{Title: "Functions", Section: "functions"}, func(token string) ([]functions.Function, string, error) {
		return c.cfg.Functions.List(r.Context(), token, pageSize)
	})
}

type functionData struct {
	Function functions.Function
	// Variables are the environment's names: their values can be secrets.
	Variables []string
	Event     string
	Result    *invocation
}

// invocation is a test event's outcome as Lambda's Invoke reports it.
type invocation struct {
	Payload       string
	FunctionError string
	Log           string
}

const defaultTestEvent = `{"key1": "value1"}`

func (c *Console) functionPage(w http.ResponseWriter, r *http.Request, rq *request) {
	c.showFunction(w, r, rq, defaultTestEvent, nil)
}

func (c *Console) showFunction(w http.ResponseWriter, r *http.Request, rq *request, event string, result *invocation) {
	fn, err := c.cfg.Functions.Get(r.Context(), r.PathValue("function"))
	if err != nil {
		c.notFound(w, r, rq, err)
		return
	}
	d := &functionData{Function: fn, Event: event, Result: result}
	for name := range fn.Variables {
		d.Variables = append(d.Variables, name)
	}
	slices.Sort(d.Variables)
	c.show(w, r, rq, "function", &view{Title: fn.Name, Section: "functions", Data: d})
}

// functionTail streams the lines the function's workers write, one JSON
// functions.LogLine each.
func (c *Console) functionTail(w http.ResponseWriter, r *http.Request, rq *request) {
	fn, err := c.cfg.Functions.Get(r.Context(), r.PathValue("function"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	stream(c, w, r, rq, fn.Name, "line", func(ch chan<- functions.LogLine) func() { return c.cfg.Functions.WatchLogs(fn.Name, ch) })
}

// invoke runs the function with the form's test event, synchronously, as
// Lambda's Invoke does, and shows what came back on the function's page.
func (c *Console) invoke(w http.ResponseWriter, r *http.Request, rq *request) error {
	event := r.PostFormValue("event")
	if !json.Valid([]byte(event)) {
		return badInput("The test event is not JSON.")
	}
	res, err := c.cfg.Functions.Invoke(r.Context(), functions.Request{Function: r.PathValue("function"), Payload: []byte(event), LogTail: true})
	if err != nil {
		return err
	}
	c.showFunction(w, r, rq, event, &invocation{Payload: string(res.Payload), FunctionError: res.FunctionError, Log: strings.TrimRight(string(res.Log), "\n")})
	return nil
}

func functionPath(name string) string { return Prefix + "/functions/" + url.PathEscape(name) }
