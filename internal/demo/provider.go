package demo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// nftProvider stands in for a third-party NFT API (Alchemy, Moralis): it
// answers only requests that carry its API key, which moat injects on the
// way so the dApp never holds it. Set MOAT_DEMO_NFT_API_URL and
// MOAT_DEMO_NFT_API_KEY to put a real provider in its place.
type nftProvider struct{ key string }

func (p nftProvider) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /nft-provider/nfts", p.keyed(p.serveOwned))
	mux.HandleFunc("GET /nft-provider/collection", p.keyed(p.serveCollection))
	mux.HandleFunc("GET /nft-provider/floor-price", p.keyed(p.serveFloorPrice))
}

func (p nftProvider) keyed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Api-Key")), []byte(p.key)) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or invalid API key"})
			return
		}
		next(w, r)
	}
}

// serveOwned lists an owner's NFTs, made up but stable per owner.
func (p nftProvider) serveOwned(w http.ResponseWriter, r *http.Request) {
	owner := strings.ToLower(r.URL.Query().Get("owner"))
	sum := sha256.Sum256([]byte(owner))
	nfts := make([]map[string]string, 0, 3)
	for i := range 1 + int(sum[0]%3) {
		nfts = append(nfts, map[string]string{
			"contract": "0x" + hex.EncodeToString(sum[1:21]),
			"tokenId":  fmt.Sprint(int(sum[21+i])<<8 | int(sum[24+i])),
			"name":     fmt.Sprintf("Dragon egg #%d", int(sum[27+i])),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"owner": owner, "nfts": nfts})
}

func (p nftProvider) serveCollection(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"collection": "moat dragons", "totalSupply": 1000, "holders": 421})
}

func (p nftProvider) serveFloorPrice(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"collection": "moat dragons", "floorPriceEth": 0.42})
}
