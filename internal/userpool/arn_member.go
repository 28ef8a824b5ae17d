package userpool

import "regexp"

// arnPattern is Cognito's ArnType, the pattern of every ARN member it takes
// (a trigger's function, a KMS key, an import job's CloudWatch Logs role).
var arnPattern = regexp.MustCompile(`^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$`)

const arnConstraint = `Member must satisfy regular expression pattern: arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`

// checkARN is one ARN member checked as Cognito checks it; empty passes
// when the member is optional.
func checkARN(member, arn string, optional bool) error {
	if arn == "" && optional {
		return nil
	}
	if len(arn) < 20 || len(arn) > 2048 {
		return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 20 and 2048", arn, member)
	}
	if !arnPattern.MatchString(arn) {
		return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", arn, member, arnConstraint)
	}
	return nil
}
