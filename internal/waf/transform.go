package waf

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// transform is one text transformation: it returns s itself when there is
// nothing to change, so a chain over ordinary input allocates nothing.
type transform func(s string) string

// transforms are WAFv2's TextTransformation types, by name.
var transforms = map[string]transform{
	"NONE":                 func(s string) string { return s },
	"COMPRESS_WHITE_SPACE": compressWhiteSpace,
	"HTML_ENTITY_DECODE":   htmlEntityDecode,
	"LOWERCASE":            lowercase,
	"CMD_LINE":             cmdLine,
	"URL_DECODE":           urlDecode,
	"BASE64_DECODE":        base64Decode,
	"HEX_DECODE":           hexDecode,
	"MD5":                  md5Sum,
	"REPLACE_COMMENTS":     replaceComments,
	"ESCAPE_SEQ_DECODE":    escapeSeqDecode,
	"SQL_HEX_DECODE":       sqlHexDecode,
	"CSS_DECODE":           cssDecode,
	"JS_DECODE":            jsDecode,
	"NORMALIZE_PATH":       normalizePath,
	"NORMALIZE_PATH_WIN":   normalizePathWin,
	"REMOVE_NULLS":         removeNulls,
	"REPLACE_NULLS":        replaceNulls,
	"BASE64_DECODE_EXT":    base64DecodeExt,
	"URL_DECODE_UNI":       urlDecodeUni,
	"UTF8_TO_UNICODE":      utf8ToUnicode,
}

// maxTransformations is WAFv2's limit per statement or key.
const maxTransformations = 10

// chain is a statement's transformations in the order they run.
type chain []transform

func (c chain) apply(s string) string {
	for _, t := range c {
		s = t(s)
	}
	return s
}

// compileChain orders tts by Priority (which must be unique) and looks up
// each Type. WAFv2 requires at least one; NONE alone is the identity.
func compileChain(tts []TextTransformation) (chain, error) {
	if len(tts) == 0 {
		return nil, invalid("TEXT_TRANSFORMATION", "", "at least one TextTransformation is required (use {Priority: 0, Type: NONE} for none)")
	}
	if len(tts) > maxTransformations {
		return nil, invalid("TEXT_TRANSFORMATION", fmt.Sprint(len(tts)), "at most %d TextTransformations are allowed", maxTransformations)
	}
	sorted := slices.Clone(tts)
	slices.SortStableFunc(sorted, func(a, b TextTransformation) int { return cmp.Compare(a.Priority, b.Priority) })
	var c chain
	for i, tt := range sorted {
		if tt.Priority < 0 {
			return nil, invalid("TEXT_TRANSFORMATION", fmt.Sprint(tt.Priority), "Priority must be 0 or more")
		}
		if i > 0 && sorted[i-1].Priority == tt.Priority {
			return nil, invalid("TEXT_TRANSFORMATION", fmt.Sprint(tt.Priority), "TextTransformation priorities must be unique")
		}
		t, ok := transforms[tt.Type]
		if !ok {
			return nil, invalid("TEXT_TRANSFORMATION", tt.Type, "unknown TextTransformation Type; use one of %s", strings.Join(transformNames(), ", "))
		}
		if tt.Type != "NONE" {
			c = append(c, t)
		}
	}
	return c, nil
}

func transformNames() []string {
	names := make([]string, 0, len(transforms))
	for n := range transforms {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
