package console

import (
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/moat-dev/moat/internal/store"
)

// usageDays is how many days the usage chart covers, today included.
const usageDays = 14

type usageData struct {
	Plans []store.UsagePlan
	Keys  []store.APIKey
	Plan  *store.UsagePlan // the plan whose usage is charted
	Chart []keyChart
}

// keyChart is one API key's requests per day in the plan.
type keyChart struct {
	KeyID, KeyName string
	Total          int64
	Bars           barChart
}

func (c *Console) usagePage(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	v := &view{Title: "API keys and usage plans", Section: "usage"}
	d := &usageData{}
	v.Data = d
	var err error
	if d.Plans, err = c.cfg.Store.ListUsagePlans(ctx); err == nil {
		d.Keys, err = c.cfg.Store.ListAPIKeys(ctx)
	}
	if err != nil {
		v.Flash = flash{Text: errorText(err), Error: true}
		c.show(w, r, rq, "usage", v)
		return
	}
	if i := slices.IndexFunc(d.Plans, func(p store.UsagePlan) bool { return p.ID == r.URL.Query().Get("plan") }); i >= 0 {
		d.Plan = &d.Plans[i]
	} else if len(d.Plans) > 0 {
		d.Plan = &d.Plans[0]
	}
	if d.Plan != nil {
		if d.Chart, err = c.usageCharts(r, *d.Plan, d.Keys); err != nil {
			v.Flash = flash{Text: errorText(err), Error: true}
		}
	}
	c.show(w, r, rq, "usage", v)
}

// usageCharts draws each of the plan's keys' last usageDays days, from
// the report GetUsage answers with.
func (c *Console) usageCharts(r *http.Request, plan store.UsagePlan, keys []store.APIKey) ([]keyChart, error) {
	today := time.Now().UTC()
	from := today.AddDate(0, 0, 1-usageDays)
	report, err := c.cfg.Usage.DailyUsage(r.Context(), plan, "", from.Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, k := range keys {
		names[k.ID] = k.Name
	}
	var charts []keyChart
	for _, id := range slices.Sorted(maps.Keys(report)) {
		days := report[id]
		chart := keyChart{KeyID: id, KeyName: names[id]}
		var bars []bar
		for i, day := range days {
			chart.Total += day.Used
			bars = append(bars, bar{Label: from.AddDate(0, 0, i).Format("01-02"), Value: day.Used})
		}
		chart.Bars = drawBars(bars)
		charts = append(charts, chart)
	}
	return charts, nil
}
