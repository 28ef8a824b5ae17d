package console

import "strconv"

// bar is one day (or any category) of a bar chart.
type bar struct {
	Label string
	Value int64
}

// barChart is a bar chart laid out for an SVG the template draws: moat's
// own few lines instead of a charting library.
type barChart struct {
	Width, Height int
	Max           int64
	Bars          []placedBar
}

type placedBar struct {
	bar
	X, Y, W, H int
	LabelX     int
	ShowLabel  bool
	Title      string
}

const (
	chartHeight = 120
	chartPlot   = 96 // the bars' area; the rest holds the labels
	barWidth    = 28
	barGap      = 8
)

func drawBars(bars []bar) barChart {
	c := barChart{Height: chartHeight, Width: len(bars)*(barWidth+barGap) + barGap}
	for _, b := range bars {
		c.Max = max(c.Max, b.Value)
	}
	for i, b := range bars {
		h := 0
		if c.Max > 0 {
			h = int(b.Value * chartPlot / c.Max)
		}
		if b.Value > 0 {
			h = max(h, 2) // a day with any traffic shows
		}
		x := barGap + i*(barWidth+barGap)
		c.Bars = append(c.Bars, placedBar{bar: b, X: x, Y: chartPlot - h, W: barWidth, H: h, LabelX: x + barWidth/2,
			ShowLabel: (len(bars)-1-i)%2 == 0, Title: b.Label + ": " + strconv.FormatInt(b.Value, 10)})
	}
	return c
}
