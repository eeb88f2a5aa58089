package sqlite

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Dump writes every row of every table (the schema's own bookkeeping
// aside), tables by name and rows in column order, as text. Two dumps are
// equal exactly when the databases hold the same data; tests compare them
// to prove that a failed or no-change run left everything as it was. Tables
// named in skip are left out.
func (s *Store) Dump(ctx context.Context, w io.Writer, skip ...string) error {
	rows, err := s.ro.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, n)
	}
	rows.Close()
	skipped := map[string]bool{}
	for _, t := range skip {
		skipped[t] = true
	}
	for _, t := range tables {
		if skipped[t] {
			continue
		}
		if err := s.dumpTable(ctx, w, t); err != nil {
			return fmt.Errorf("dump %s: %w", t, err)
		}
	}
	return nil
}

func (s *Store) dumpTable(ctx context.Context, w io.Writer, table string) error {
	rows, err := s.ro.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows.Close()
	rows, err = s.ro.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`" ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(w, "== %s (%s)\n", table, strings.Join(cols, ", "))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if i > 0 {
				io.WriteString(w, "|")
			}
			switch x := v.(type) {
			case []byte:
				fmt.Fprintf(w, "%q", x)
			case string:
				fmt.Fprintf(w, "%q", x)
			default:
				fmt.Fprint(w, x)
			}
		}
		io.WriteString(w, "\n")
	}
	return rows.Err()
}
