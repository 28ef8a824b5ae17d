package main

import (
	"fmt"
	"io"

	"github.com/moat-dev/moat/internal/admin"
)

// printCredentialsOnce shows generated admin credentials on the one start that
// created them; they are never logged, and later starts do not show them.
func printCredentialsOnce(w io.Writer, creds admin.Credentials, cfg Config) {
	fmt.Fprintf(w, `
==============================================================================
moat generated admin credentials. They are shown only this once: save them.

  Access key ID:     %[1]s
  Secret access key: %[2]s

Use them with the AWS CLI:
  aws configure --profile moat      # enter the two values above, region %[3]s
  aws --profile moat --endpoint-url %[4]s cognito-idp list-user-pools --max-results 10

or with any AWS SDK through the environment:
  export AWS_ACCESS_KEY_ID=%[1]s
  export AWS_SECRET_ACCESS_KEY=%[2]s
  export AWS_REGION=%[3]s
  export AWS_ENDPOINT_URL=%[4]s

To choose your own instead, set MOAT_ADMIN_ACCESS_KEY_ID and
MOAT_ADMIN_SECRET_ACCESS_KEY before starting moat.
==============================================================================

`, creds.AccessKeyID, creds.SecretAccessKey, cfg.Region, cfg.IdentityPublicURL)
}
