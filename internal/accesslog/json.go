package accesslog

import "github.com/moat-dev/moat/internal/jsonquote"

// AppendField appends ,"key":value with value quoted as slog quotes it: key
// must need no escaping (the callers' keys are constants).
func AppendField(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return jsonquote.Slog(b, value)
}
