// Command moat runs a self-hosted, wire-compatible Amazon Cognito and API
// Gateway. This package only wires the internal packages together.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := rootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "moat:", err)
		os.Exit(1)
	}
}

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "moat",
		Short: "Self-hosted, wire-compatible Amazon Cognito and API Gateway in one binary",
		Long: `moat gives your own machines what Amazon Cognito (user pools) and Amazon API
Gateway give on AWS. It speaks their wire protocols, so AWS SDKs, the AWS CLI,
boto3 and amazon-cognito-identity-js work against it by changing only the
endpoint URL.

Every setting is a flag of "moat serve", an environment variable MOAT_<FLAG>
(upper-case, dashes become underscores), or a key of the --config YAML file.
A flag beats its environment variable, which beats the file, which beats the
default. Run "moat serve --help" for the list.`,
		Example: `  # Start with SQLite under ./moat-data, identity API on 127.0.0.1:9229:
  moat serve

  # PostgreSQL, listening on every interface, region eu-west-1:
  MOAT_DATABASE_URL=postgres://moat@db:5432/moat moat serve --identity-addr 0.0.0.0:9229 --region eu-west-1

  # Then, with the admin credentials moat printed on first start:
  aws --endpoint-url http://127.0.0.1:9229 cognito-idp list-user-pools --max-results 10`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// moat --version says what "moat version" says.
		Version: versionString(),
	}
	root.SetVersionTemplate("moat {{.Version}}\n")
	root.AddCommand(serveCommand(), versionCommand(), apiKeysCommand(), usageCommand(), keysCommand(), eventsCommand())
	return root
}
