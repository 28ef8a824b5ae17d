package web

import (
	"html/template"
	"io/fs"
)

// Pages parses each named page of dir in fsys (dir/<name>.html) together
// with dir/layout.html, which the page's blocks fill in.
func Pages(fsys fs.FS, dir string, names []string, funcs template.FuncMap) (map[string]*template.Template, error) {
	layout, err := fs.ReadFile(fsys, dir+"/layout.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, dir+"/"+name+".html")
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}
