package userpool

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/moat-dev/moat/internal/awserr"
)

// The import file is Cognito's CSV, not RFC 4180: the first line is the
// header (GetCSVHeader's columns, in any order, all present), each further
// line one user; fields are split at commas, and a comma inside a value is
// written "\,". Quotes are not special. Lines end in LF or CRLF; blank lines
// are skipped.

const (
	importMFAColumn      = "cognito:mfa_enabled"
	importUsernameColumn = "cognito:username"
	// maxImportLine bounds one line of the file: a longer one fails the job.
	maxImportLine = 64 << 10
)

// importReader reads an import file line by line.
type importReader struct {
	r    *bufio.Reader
	line int64 // lines read, the header included
}

func newImportReader(r io.Reader) *importReader {
	return &importReader{r: bufio.NewReaderSize(r, maxImportLine)}
}

// next returns the fields of the next non-blank line, io.EOF at the end.
func (ir *importReader) next() ([]string, error) {
	for {
		raw, err := ir.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("line %d is longer than %d bytes", ir.line+1, maxImportLine)
		}
		if err != nil && (!errors.Is(err, io.EOF) || len(raw) == 0) {
			return nil, err
		}
		ir.line++
		line := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
		if ir.line == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // a spreadsheet's byte-order mark
		}
		if strings.TrimSpace(line) == "" {
			if err != nil {
				return nil, io.EOF
			}
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d is not UTF-8", ir.line)
		}
		return splitImportLine(line), nil
	}
}

// splitImportLine splits at commas not escaped by a backslash.
func splitImportLine(line string) []string {
	var fields []string
	var field strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == ',':
			field.WriteByte(',')
			i++
		case line[i] == ',':
			fields = append(fields, field.String())
			field.Reset()
		default:
			field.WriteByte(line[i])
		}
	}
	return append(fields, field.String())
}

// importColumns is an import file's header: the column each field is.
type importColumns []string

// importColumnsOf checks a header against the pool's columns: each once,
// none missing, none unknown.
func (p *pool) importColumnsOf(header []string) (importColumns, error) {
	want := p.importHeader()
	seen := map[string]bool{}
	for _, name := range header {
		switch {
		case !slices.Contains(want, name):
			return nil, fmt.Errorf("the header names %q, which is not a column of this user pool (see GetCSVHeader)", name)
		case seen[name]:
			return nil, fmt.Errorf("the header names %q twice", name)
		}
		seen[name] = true
	}
	for _, name := range want {
		if !seen[name] {
			return nil, fmt.Errorf("the header lacks the column %q (see GetCSVHeader)", name)
		}
	}
	return importColumns(header), nil
}

// importedUser is one line of the file, checked against the pool.
type importedUser struct {
	username   string
	attributes map[string]string
	mfa        bool
}

// importUser checks one line against the pool's rules for imported users;
// its error says why the line cannot be a user (for the log, which names
// no attribute value).
func (p *pool) importUser(cols importColumns, fields []string) (importedUser, error) {
	if len(fields) != len(cols) {
		return importedUser{}, fmt.Errorf("it has %d fields; the header has %d", len(fields), len(cols))
	}
	u := importedUser{attributes: map[string]string{}}
	var given []AttributeType
	for i, name := range cols {
		v := fields[i]
		switch {
		case name == importUsernameColumn:
			u.username = v
		case name == importMFAColumn:
			switch strings.ToLower(v) {
			case "true":
				u.mfa = true
			case "false":
			default:
				return u, errors.New("cognito:mfa_enabled must be true or false")
			}
		case v != "":
			given = append(given, AttributeType{Name: name, Value: v})
		}
	}
	if !usernamePattern.MatchString(u.username) {
		return u, errors.New("cognito:username is missing or not a valid username")
	}
	if err := p.validateAttributes(given, true, nil); err != nil {
		return u, awserr.Reason(err)
	}
	for _, a := range given {
		u.attributes[a.Name] = a.Value
	}
	verified := false
	for _, channel := range []string{"email", "phone_number"} {
		if u.attributes[channel+"_verified"] != "true" {
			continue
		}
		if u.attributes[channel] == "" {
			return u, fmt.Errorf("%s_verified is true without a %s", channel, channel)
		}
		verified = verified || slices.Contains(p.Config.AutoVerifiedAttributes, channel)
	}
	if !verified {
		return u, errors.New("none of the user pool's auto-verified attributes is verified (the user could not reset the password)")
	}
	if u.mfa && u.attributes["phone_number"] == "" {
		return u, errors.New("cognito:mfa_enabled is true without a phone_number for SMS codes")
	}
	username, err := p.assignUsername(u.username, u.attributes)
	if err != nil {
		return u, awserr.Reason(err)
	}
	u.username = username // "" where the username is the sub, made when stored
	return u, nil
}
