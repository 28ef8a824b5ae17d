package configfile

import (
	"slices"
	"testing"
)

func TestChanges(t *testing.T) {
	type entry struct {
		Name  string `yaml:"name"`
		Value int    `yaml:"value"`
	}
	type inline struct {
		Plans []entry `yaml:"plans"`
	}
	type file struct {
		Level   string  `yaml:"log-level"`
		APIs    []entry `yaml:"apis"`
		Section inline  `yaml:",inline"`
		Hidden  string  `yaml:"-"`
	}
	old := file{Level: "info", APIs: []entry{{"a", 1}, {"b", 1}, {"c", 1}}, Section: inline{Plans: []entry{{"p", 1}}}, Hidden: "x"}
	if got := Changes(&old, &old); len(got) != 0 {
		t.Errorf("no change: %v", got)
	}
	next := file{Level: "debug", APIs: []entry{{"b", 2}, {"c", 1}, {"d", 1}}, Section: inline{Plans: []entry{{"p", 1}}}, Hidden: "y"}
	var got []string
	for _, c := range Changes(&old, &next) {
		got = append(got, c.String())
	}
	want := []string{"apis: added d; changed b; removed a", "log-level"}
	if !slices.Equal(got, want) {
		t.Errorf("Changes = %q, want %q", got, want)
	}
	reordered := file{Level: "info", APIs: []entry{{"c", 1}, {"b", 1}, {"a", 1}}, Section: inline{Plans: []entry{{"p", 1}}}}
	if got := Changes(&old, &reordered); len(got) != 1 || got[0].String() != "apis: reordered" {
		t.Errorf("reordered: %v", got)
	}
}
