package waf

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/experimental/plugins"
	"github.com/corazawaf/coraza/v3/experimental/plugins/plugintypes"
)

// corazaNames are the ModSecurity transformations WAFv2's are named after.
var corazaNames = map[string]string{
	"COMPRESS_WHITE_SPACE": "compressWhitespace",
	"HTML_ENTITY_DECODE":   "htmlEntityDecode",
	"LOWERCASE":            "lowercase",
	"CMD_LINE":             "cmdLine",
	"URL_DECODE":           "urlDecode",
	"BASE64_DECODE":        "base64Decode",
	"HEX_DECODE":           "hexDecode",
	"MD5":                  "md5",
	"REPLACE_COMMENTS":     "replaceComments",
	"ESCAPE_SEQ_DECODE":    "escapeSeqDecode",
	"CSS_DECODE":           "cssDecode",
	"JS_DECODE":            "jsDecode",
	"NORMALIZE_PATH":       "normalizePath",
	"NORMALIZE_PATH_WIN":   "normalizePathWin",
	"REMOVE_NULLS":         "removeNulls",
	"REPLACE_NULLS":        "replaceNulls",
	"BASE64_DECODE_EXT":    "base64DecodeExt",
	"URL_DECODE_UNI":       "urlDecodeUni",
	"UTF8_TO_UNICODE":      "utf8toUnicode",
}

// captured is what the capture operator last saw: a value after Coraza's
// transformations.
var (
	captureMu    sync.Mutex
	captured     string
	registerOnce sync.Once
	corazaWAFs   sync.Map
)

type captureOperator struct{}

func (captureOperator) Evaluate(_ plugintypes.TransactionState, value string) bool {
	captured = value
	return true
}

// corazaTransform runs s through Coraza's transformation of that name.
func corazaTransform(t testing.TB, name, s string) string {
	registerOnce.Do(func() {
		plugins.RegisterOperator("moatCapture", func(plugintypes.OperatorOptions) (plugintypes.Operator, error) { return captureOperator{}, nil })
	})
	w, ok := corazaWAFs.Load(name)
	if !ok {
		built, err := coraza.NewWAF(coraza.NewWAFConfig().WithDirectives(fmt.Sprintf(
			`SecRuleEngine On
SecRule REQUEST_HEADERS:X-In "@moatCapture" "id:1,phase:1,pass,nolog,t:none,t:%s"`, name)))
		if err != nil {
			t.Fatal(err)
		}
		w, _ = corazaWAFs.LoadOrStore(name, built)
	}
	captureMu.Lock()
	defer captureMu.Unlock()
	captured = "\x00<none>"
	tx := w.(coraza.WAF).NewTransaction()
	tx.AddRequestHeader("X-In", s)
	tx.ProcessRequestHeaders()
	_ = tx.Close()
	return captured
}

var transformSamples = []string{
	"", "plain", "MiXeD CaSe", "a  b\t\tc\n\nd", "\u00a0x\u00a0\u00a0y", "a\xa0b",
	"%41%42%43", "%4", "%zz+a+b", "%u0041%uFF21", "100%", "a%%41",
	"&lt;script&gt;", "&#x41;&#66;&quot;&amp;", "&bogus;",
	`c:\\windows\\..\\system32`, "/", "//", "/a/./b/../c//d/", "../../etc/passwd", "/..", "./x", "a/b/..", ".",
	`\x41\101\n\q\`, `\u0041\uff21\x4a\060\8`, `\41 x\ff21\
y\`, "ja\\vascript",
	"SGVsbG8=", "SGVsbG8", "SGV sbG8=", "SG!VsbG8", "-_-_",
	"414243", "41424", "zz",
	"a/*comment*/b/*open", "/**/", "x\x00y\x00",
	`p"i'n^g\ -c ,1;2  /x (y)`, "héllo wörld ☃ 𝄞",
	"SELECT 0x414243 FROM t", "0x", "0x4", "0X6162",
}

// divergences are where moat follows AWS's description rather than
// Coraza: LOWERCASE changes only A-Z (Coraza lowercases all of Unicode and
// rewrites invalid UTF-8),
// CSS_DECODE keeps an escape's low byte as ModSecurity did ("up to two
// bytes", in AWS's words; Coraza decodes the whole code point), and
// NORMALIZE_PATH_WIN is NORMALIZE_PATH after turning \ into / (Coraza also
// strips Windows stream names and trailing dots and spaces). The root stays
// "/" where Coraza doubles it.
var divergences = map[[2]string]string{
	{"NORMALIZE_PATH", "/"}:                            "/",
	{"NORMALIZE_PATH", "//"}:                           "/",
	{"NORMALIZE_PATH_WIN", "/"}:                        "/",
	{"NORMALIZE_PATH_WIN", "//"}:                       "/",
	{"LOWERCASE", "a\xa0b"}:                            "a\xa0b",
	{"CSS_DECODE", `\x41\101\n\q\`}:                    "x41\x01nq",
	{"NORMALIZE_PATH_WIN", `p"i'n^g\ -c ,1;2  /x (y)`}: `p"i'n^g/ -c ,1;2  /x (y)`,
}

func TestTransformationsAgreeWithModSecurity(t *testing.T) {
	for aws, modsec := range corazaNames {
		for _, s := range transformSamples {
			want, diverges := divergences[[2]string{aws, s}]
			if !diverges {
				want = corazaTransform(t, modsec, s)
			}
			if got := transforms[aws](s); got != want {
				t.Errorf("%s(%q) = %q, Coraza's %s gives %q", aws, s, got, modsec, want)
			}
		}
	}
}

func TestSQLHexDecode(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 0x414243 FROM t": "SELECT ABC FROM t",
		"0X6162":                 "ab",
		"0x4":                    "0x4",
		"x0x41y":                 "xAy",
		"no hex":                 "no hex",
	} {
		if got := sqlHexDecode(in); got != want {
			t.Errorf("SQL_HEX_DECODE(%q) = %q, want %q", in, got, want)
		}
	}
}

var iisEscape = regexp.MustCompile(`%[uU][0-9a-fA-F]{4}`)

// divergent says whether s meets one of the divergences for transformation
// name, where comparing with Coraza proves nothing. URL_DECODE_UNI keeps
// the low byte of %uHHHH as AWS describes; Coraza first consults
// ModSecurity's best-fit table. COMPRESS_WHITE_SPACE compresses the
// characters AWS lists, which do not include U+0085 (NEL) as Coraza's does.
func divergent(name, s string) bool {
	switch name {
	case "CSS_DECODE", "NORMALIZE_PATH_WIN":
		return true
	case "LOWERCASE":
		return !isASCII(s)
	case "URL_DECODE_UNI":
		return iisEscape.MatchString(s)
	case "COMPRESS_WHITE_SPACE":
		return strings.ContainsRune(s, 0x85)
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// growing are the transformations whose output may be longer than their
// input; every other one only removes or decodes.
var growing = map[string]bool{"UTF8_TO_UNICODE": true, "MD5": true, "HTML_ENTITY_DECODE": true}

// FuzzTextTransformations checks every transformation on arbitrary input:
// no panic, an unchanged input returned as is, no growth for decoders, and
// agreement with Coraza's ModSecurity implementations outside the
// documented divergences.
func FuzzTextTransformations(f *testing.F) {
	for _, s := range transformSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, tr := range transforms {
			out := tr(s)
			if !growing[name] && len(out) > len(s) {
				t.Fatalf("%s(%q) = %q grew", name, s, out)
			}
			modsec, ok := corazaNames[name]
			if !ok || divergent(name, s) {
				continue
			}
			want := corazaTransform(t, modsec, s)
			if name == "NORMALIZE_PATH" && out == "/" && want == "//" {
				continue // the root, see divergences
			}
			if out != want {
				t.Fatalf("%s(%q) = %q, Coraza's %s gives %q", name, s, out, modsec, want)
			}
		}
	})
}
