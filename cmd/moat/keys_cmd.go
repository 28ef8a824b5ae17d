package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

const newMasterKeyFlag = "new-master-key-file"

func keysCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "keys",
		Short: "Manage the master key that seals moat's secrets at rest",
	}
	rotate := &cobra.Command{
		Use:   "rotate-master",
		Short: "Wrap the store's data key under a new master key",
		Long: `Wrap the data key that seals moat's secrets under a new master key, in one
transaction. The current key comes as for serve (MOAT_MASTER_KEY,
--master-key-file, or <data-dir>/master.key); the new one from
--` + newMasterKeyFlag + ` (env ` + envName(newMasterKeyFlag) + `), generated into that file
(0600) when it does not exist.

Afterwards only the new key opens the database: sealed rows are not rewritten,
so this is quick and safe beside a running moat, which keeps working with the
data key it holds. Restart every replica with the new key.`,
		Example: `  moat keys rotate-master --data-dir /var/lib/moat --new-master-key-file /var/lib/moat/master.key.new
  MOAT_MASTER_KEY=$(cat old.key) moat keys rotate-master --database-url postgres://moat@db/moat --new-master-key-file new.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd.Flags(), os.LookupEnv)
			if err != nil {
				return err
			}
			if cfg.DatabaseURL == "" {
				if _, err := os.Stat(filepath.Join(cfg.DataDir, "moat.db")); err != nil {
					return fmt.Errorf("no database to rotate the master key of: %w (give --data-dir or --database-url)", err)
				}
			}
			path := layered(cmd.Flags(), newMasterKeyFlag, os.LookupEnv)
			if path == "" {
				return fmt.Errorf("--%s is required: the file to read the new master key from, or to generate it into", newMasterKeyFlag)
			}
			next, err := readMasterKeyFile(path)
			created := false
			if errors.Is(err, fs.ErrNotExist) {
				next, created, err = writeNewMasterKey(path)
			}
			if err != nil {
				return err
			}
			logger := newLogger(cfg.LogLevel, cmd.ErrOrStderr())
			st, err := openStore(cmd.Context(), cfg, logger)
			if err != nil {
				if created {
					_ = os.Remove(path)
				}
				return err
			}
			defer st.Close()
			if err := st.RotateMasterKey(cmd.Context(), next); err != nil {
				return fmt.Errorf("rotate master key: %w", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "The database is now sealed under master key id %s, in %s.\n", next.ID(), path)
			fmt.Fprintf(out, "The old key no longer opens it. Start moat with --master-key-file %s (or MOAT_MASTER_KEY set to its content)", path)
			if cfg.MasterKeyFile == "" && os.Getenv(masterKeyEnv) == "" {
				fmt.Fprintf(out, ", or move it to %s/%s", cfg.DataDir, generatedMasterKeyFile)
			}
			fmt.Fprintln(out, ".")
			return nil
		},
	}
	addStoreFlags(rotate.Flags())
	rotate.Flags().String(newMasterKeyFlag, "", fmt.Sprintf("file with the new master key, generated when missing (env %s; e.g. --%s /var/lib/moat/master.key.new)", envName(newMasterKeyFlag), newMasterKeyFlag))
	root.AddCommand(rotate)
	return root
}
