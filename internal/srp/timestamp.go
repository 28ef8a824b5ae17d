package srp

import (
	"errors"
	"time"
)

// TimestampLayout is Cognito's TIMESTAMP, Java's "EEE MMM d HH:mm:ss z
// yyyy" in English and UTC: the day of the month is not zero-padded.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// timestampSkew is how far a TIMESTAMP may be from the server's clock.
// Cognito does not document its window; clients report failures beyond
// five minutes of skew.
const timestampSkew = 5 * time.Minute

// ErrTimestampFormat means a TIMESTAMP does not parse at all.
var ErrTimestampFormat = errors.New("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")

// ParseTimestamp reads a TIMESTAMP. One that does not parse is
// ErrTimestampFormat; one that parses but is not exactly in Cognito's form
// (a zero-padded day, a wrong weekday) is reported as not canonical, which
// Cognito answers like a wrong password.
func ParseTimestamp(ts string) (when time.Time, canonical bool, err error) {
	when, err = time.Parse(TimestampLayout, ts)
	if err != nil {
		return time.Time{}, false, ErrTimestampFormat
	}
	return when, when.Format(TimestampLayout) == ts, nil
}

// TimestampFresh allows the skew either way, and also the same window
// twelve hours back: alexrudd/cognito-srp, a widely used Go client, formats
// hours on a 12-hour clock, so its afternoon timestamps read twelve hours
// early. The secret block's expiry and single use, not the TIMESTAMP, are
// what bound a proof's life.
func TimestampFresh(when, now time.Time) bool {
	near := func(t time.Time) bool { return t.Sub(when).Abs() <= timestampSkew }
	return near(now) || near(now.Add(-12*time.Hour))
}
