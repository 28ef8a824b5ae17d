package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/moat-dev/moat/internal/store"
	"github.com/moat-dev/moat/internal/usage"
)

// The operator subcommands (apikeys, usage) open moat's store directly, with
// the same --data-dir / --database-url / --config as serve, so they work
// with or without a running moat. SQLite's WAL and PostgreSQL's
// transactions make that safe next to a running server; its cache of keys
// picks a change up within a few seconds. Programs should use the API
// Gateway management API (aws apigateway, boto3) instead.

// withUsage opens the store and the usage service for one operator command.
func withUsage(cmd *cobra.Command, run func(ctx context.Context, st store.Store, svc *usage.Service, out io.Writer) error) error {
	return withStore(cmd, func(ctx context.Context, st store.Store, _ Config) error {
		// Limits are the server's business; these commands never throttle.
		svc, err := newUsage(ctx, st, usage.NewMemoryLimiter(1, time.Now), nil)
		if err != nil {
			return err
		}
		return run(ctx, st, svc, cmd.OutOrStdout())
	})
}

func operatorCommand(use, short string, args cobra.PositionalArgs, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: args, RunE: run}
	addStoreFlags(cmd.Flags())
	return cmd
}

func apiKeysCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "apikeys",
		Short: "Create, list and disable API keys in moat's store",
		Long: `Manage API Gateway API keys directly in moat's store (--data-dir or
--database-url, as for serve). A running moat sees changes within seconds.
Attach keys to usage plans with the apigateway API or the config file.`,
		Example: `  moat apikeys create --name partner-a --data-dir /var/lib/moat
  moat apikeys list --database-url postgres://moat@db:5432/moat
  moat apikeys disable k2x9q0abcd`,
	}
	var name, description, value string
	create := operatorCommand("create", "Create an enabled API key and print its ID and value", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		return withUsage(cmd, func(ctx context.Context, _ store.Store, svc *usage.Service, out io.Writer) error {
			k, v, err := svc.CreateAPIKey(ctx, usage.NewAPIKey{Name: name, Description: description, Enabled: true, Value: value})
			if err != nil {
				return fmt.Errorf("create API key: %w", err)
			}
			fmt.Fprintf(out, "id:    %s\nvalue: %s\n", k.ID, v)
			return nil
		})
	})
	create.Flags().StringVar(&name, "name", "", "the key's name")
	create.Flags().StringVar(&description, "description", "", "the key's description")
	create.Flags().StringVar(&value, "value", "", "import this value (20-128 letters and digits) instead of generating one")

	list := operatorCommand("list", "List API keys (IDs and names, never values)", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		return withUsage(cmd, func(ctx context.Context, st store.Store, _ *usage.Service, out io.Writer) error {
			keys, err := st.ListAPIKeys(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tENABLED\tCREATED")
			for _, k := range keys {
				fmt.Fprintf(tw, "%s\t%s\t%t\t%s\n", k.ID, k.Name, k.Enabled, time.Unix(k.CreatedAt, 0).UTC().Format(time.RFC3339))
			}
			return tw.Flush()
		})
	})

	disable := operatorCommand("disable KEY_ID", "Disable an API key: requests with it get 403 Forbidden", cobra.ExactArgs(1), func(cmd *cobra.Command, args []string) error {
		return withUsage(cmd, func(ctx context.Context, _ store.Store, svc *usage.Service, out io.Writer) error {
			err := svc.UpdateAPIKey(ctx, args[0], func(k *store.APIKey) error {
				k.Enabled = false
				return nil
			})
			if err != nil {
				return fmt.Errorf("disable API key %s: %w", args[0], err)
			}
			fmt.Fprintf(out, "disabled %s\n", args[0])
			return nil
		})
	})
	root.AddCommand(create, list, disable)
	return root
}

func usageCommand() *cobra.Command {
	root := &cobra.Command{Use: "usage", Short: "Show usage-plan usage from moat's store"}
	var plan, key, from, to string
	get := operatorCommand("get", "Print a key's requests and remaining quota per UTC day", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		return withUsage(cmd, func(ctx context.Context, st store.Store, svc *usage.Service, out io.Writer) error {
			p, err := st.GetUsagePlan(ctx, plan)
			if err != nil {
				return err
			}
			days, err := svc.DailyUsage(ctx, p, key, from, to)
			if err != nil {
				return err
			}
			start, _ := time.Parse(time.DateOnly, from) // DailyUsage checked it
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tDAY\tUSED\tREMAINING")
			for k, rows := range days {
				for i, d := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", k, start.AddDate(0, 0, i).Format(time.DateOnly), d.Used, d.Remaining)
				}
			}
			return tw.Flush()
		})
	})
	today := time.Now().UTC().Format(time.DateOnly)
	get.Flags().StringVar(&plan, "plan", "", "usage plan ID (required)")
	get.Flags().StringVar(&key, "key", "", "API key ID; empty: every key of the plan")
	get.Flags().StringVar(&from, "from", today, "first UTC day, YYYY-MM-DD")
	get.Flags().StringVar(&to, "to", today, "last UTC day, YYYY-MM-DD")
	_ = get.MarkFlagRequired("plan")
	root.AddCommand(get)
	return root
}
