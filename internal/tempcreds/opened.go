package tempcreds

// openedRemembered bounds the opened-session cache: Open runs on every
// signed request, and decrypting and decoding a token costs far more than a
// map lookup. Sessions are kept by their token's SHA-256 until they expire.
const openedRemembered = 20_000
