package waf

// FieldToMatch is exactly one part of the request to inspect.
type FieldToMatch struct {
	SingleHeader        *SingleHeader        `json:",omitempty"`
	SingleQueryArgument *SingleQueryArgument `json:",omitempty"`
	AllQueryArguments   *struct{}            `json:",omitempty"`
	UriPath             *struct{}            `json:",omitempty"`
	QueryString         *struct{}            `json:",omitempty"`
	Body                *Body                `json:",omitempty"`
	Method              *struct{}            `json:",omitempty"`
	JsonBody            *Unsupported         `json:",omitempty"`
	Headers             *Headers             `json:",omitempty"`
	Cookies             *Cookies             `json:",omitempty"`
	HeaderOrder         *Unsupported         `json:",omitempty"`
	JA3Fingerprint      *Unsupported         `json:",omitempty"`
	JA4Fingerprint      *Unsupported         `json:",omitempty"`
	UriFragment         *Unsupported         `json:",omitempty"`
}

type SingleHeader struct {
	Name string `json:"Name"`
}

type SingleQueryArgument struct {
	Name string `json:"Name"`
}

// Body is the request body up to the inspection limit; OversizeHandling
// says what a larger body does: CONTINUE inspects what was forwarded,
// MATCH and NO_MATCH decide without looking.
type Body struct {
	OversizeHandling string `json:"OversizeHandling,omitempty"`
}

type Headers struct {
	MatchPattern     *HeaderMatchPattern `json:"MatchPattern"`
	MatchScope       string              `json:"MatchScope"` // ALL KEY VALUE
	OversizeHandling string              `json:"OversizeHandling"`
}

type HeaderMatchPattern struct {
	All             *struct{} `json:"All,omitempty"`
	IncludedHeaders []string  `json:"IncludedHeaders,omitempty"`
	ExcludedHeaders []string  `json:"ExcludedHeaders,omitempty"`
}

type Cookies struct {
	MatchPattern     *CookieMatchPattern `json:"MatchPattern"`
	MatchScope       string              `json:"MatchScope"`
	OversizeHandling string              `json:"OversizeHandling"`
}

type CookieMatchPattern struct {
	All             *struct{} `json:"All,omitempty"`
	IncludedCookies []string  `json:"IncludedCookies,omitempty"`
	ExcludedCookies []string  `json:"ExcludedCookies,omitempty"`
}
