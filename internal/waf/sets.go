package waf

// IPSet is WAFv2's IPSet: addresses in CIDR notation, all of one version.
type IPSet struct {
	Name             string   `json:"Name"`
	ID               string   `json:"Id"`
	ARN              string   `json:"ARN"`
	Description      string   `json:"Description,omitempty"`
	IPAddressVersion string   `json:"IPAddressVersion"` // IPV4 IPV6
	Addresses        []string `json:"Addresses"`

	lockToken string // the stored set's, for recompiling when it changes
}

// RegexPatternSet is WAFv2's RegexPatternSet: a statement referencing it
// matches when any of its expressions does.
type RegexPatternSet struct {
	Name                  string  `json:"Name"`
	ID                    string  `json:"Id"`
	ARN                   string  `json:"ARN"`
	Description           string  `json:"Description,omitempty"`
	RegularExpressionList []Regex `json:"RegularExpressionList"`

	lockToken string
}

type Regex struct {
	RegexString string `json:"RegexString"`
}

// Sets are the IP sets and regex pattern sets a web ACL may reference,
// by ARN; the caller loads those References names before Compile.
type Sets struct {
	IPSets           map[string]IPSet
	RegexPatternSets map[string]RegexPatternSet
}
