package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/moat-dev/moat/internal/events"
	"github.com/moat-dev/moat/internal/store"
)

// startEvents runs the outbox's deliverer for the events: section's
// targets. Cursors of new targets are placed before anything is served, so
// a target gets every change made after it was first configured. stop
// waits for the deliverer to let go of the store.
func startEvents(ctx context.Context, st store.Store, section events.Section, logger *slog.Logger) (stop func(), err error) {
	targets, err := section.Build(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if err := events.StartCursors(ctx, st, targets); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	d := events.NewDeliverer(events.DelivererConfig{Store: st, Targets: targets, Poll: section.Poll,
		LeaseTTL: section.Lease, Retention: section.Retention, Logger: logger})
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	return func() { cancel(); <-done }, nil
}

func eventsCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "events",
		Short: "See where user-change events stand, list dead letters, redrive them",
		Long: `Every change to a user (sign-up, confirmation, sign-in, password and attribute
changes, group membership, enable/disable, deletion, global sign-out) writes an
event to moat's outbox in the same transaction; moat serve delivers it at least
once, in order per user, to the targets under events: in the config file.

An event a target refused maxAttempts times becomes a dead letter. These
commands read the store directly (--data-dir or --database-url, as for serve),
beside a running moat.`,
		Example: `  moat events status --config /etc/moat.yaml
  moat events dead-letters --target crm --data-dir /var/lib/moat
  moat events redrive --target crm --event 0b6a3f0e-…   # or every dead letter of crm`,
	}
	status := operatorCommand("status", "Show each target's place in the outbox: behind, retrying, dead", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		return withStore(cmd, func(ctx context.Context, st store.Store, cfg Config) error {
			last, err := st.LastEventSeq(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "TARGET\tBEHIND\tRETRYING\tDEAD\tLAST ERROR")
			for _, t := range cfg.Events.Targets {
				cursor, err := st.GetEventCursor(ctx, t.Name)
				if err != nil {
					cursor = last // never started: it starts at the newest event
				}
				alive, err := st.ListEventHolds(ctx, t.Name, false)
				if err != nil {
					return err
				}
				dead, err := st.ListEventHolds(ctx, t.Name, true)
				if err != nil {
					return err
				}
				lastErr := "-"
				for _, h := range alive {
					if h.LastError != "" {
						lastErr = h.LastError
					}
				}
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\n", t.Name, last-cursor, len(alive), len(dead), lastErr)
			}
			return w.Flush()
		})
	})
	var target, eventID string
	dead := operatorCommand("dead-letters", "Print dead letters, one JSON object a line (the event, its target, attempts and last error)", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		return withStore(cmd, func(ctx context.Context, st store.Store, _ Config) error {
			letters, err := events.DeadLetters(ctx, st, target)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			for _, l := range letters {
				if err := enc.Encode(l); err != nil {
					return err
				}
			}
			return nil
		})
	})
	dead.Flags().StringVar(&target, "target", "", "only this target's (default: every target's)")
	redrive := operatorCommand("redrive", "Give a target's dead letters (or one, with --event) a fresh round of attempts", cobra.NoArgs, func(cmd *cobra.Command, _ []string) error {
		if target == "" {
			return fmt.Errorf("--target is required: the target whose dead letters to send again (moat events dead-letters lists them)")
		}
		return withStore(cmd, func(ctx context.Context, st store.Store, _ Config) error {
			n, err := events.Redrive(ctx, st, target, eventID, time.Now())
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "%d dead letters of %s will be sent again\n", n, target)
			}
			return err
		})
	})
	redrive.Flags().StringVar(&target, "target", "", "the target whose dead letters to send again")
	redrive.Flags().StringVar(&eventID, "event", "", "only the dead letter of this event ID")
	root.AddCommand(status, dead, redrive)
	return root
}

// withStore opens the store for one operator command.
func withStore(cmd *cobra.Command, run func(ctx context.Context, st store.Store, cfg Config) error) error {
	cfg, err := loadConfig(cmd.Flags(), os.LookupEnv)
	if err != nil {
		return err
	}
	st, err := openStore(cmd.Context(), cfg, useLogger(cfg.LogLevel, cmd.ErrOrStderr()))
	if err != nil {
		return err
	}
	defer st.Close()
	return run(cmd.Context(), st, cfg)
}
