package sqlstore

import "context"

func settingPlace(name string) place {
	return place{table: "settings", column: "value", keys: []string{"name"}, key: []any{name}}
}

func (s *Store) GetSetting(ctx context.Context, name string) (string, error) {
	r := s.reader()
	var value string
	if err := r.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&value); err != nil {
		return "", notFound(err, "setting "+name)
	}
	return r.seal.openValue(settingPlace(name), value)
}

// PutSettingIfAbsent inserts unless present, then reads back whichever value
// won, so concurrent first starts (even in several processes) agree.
func (s *Store) PutSettingIfAbsent(ctx context.Context, name, value string) (string, error) {
	w := s.writer()
	sealed, err := w.seal.sealValue(settingPlace(name), value)
	if err != nil {
		return "", err
	}
	if _, err := w.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, sealed); err != nil {
		return "", err
	}
	var inForce string
	if err := w.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&inForce); err != nil {
		return "", err
	}
	return w.seal.openValue(settingPlace(name), inForce)
}
