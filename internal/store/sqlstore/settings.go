package sqlstore

import "context"

func (s *Store) GetSetting(ctx context.Context, name string) (string, error) {
	var value string
	err := s.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&value)
	return value, notFound(err, "setting "+name)
}

// PutSettingIfAbsent inserts unless present, then reads back whichever value
// won, so concurrent first starts (even in several processes) agree.
func (s *Store) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	w := s.writer()
	if _, err := w.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return "", err
	}
	var inForce string
	err := w.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&inForce)
	return inForce, err
}
