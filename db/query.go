package db

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// getContext runs a one-row read with "?" placeholders.
func (s *store) getContext(ctx context.Context, dest any, query string, args ...any) error {
	query = s.rebind(query)
	st, ok, err := s.cachedRead(ctx, query)
	if err != nil {
		return err
	}
	if ok {
		return st.GetContext(ctx, dest, args...)
	}
	return sqlx.GetContext(ctx, s.reader(), dest, query, args...)
}

// selectContext runs a many-row read with "?" placeholders.
func (s *store) selectContext(ctx context.Context, dest any, query string, args ...any) error {
	query = s.rebind(query)
	st, ok, err := s.cachedRead(ctx, query)
	if err != nil {
		return err
	}
	if ok {
		return st.SelectContext(ctx, dest, args...)
	}
	return sqlx.SelectContext(ctx, s.reader(), dest, query, args...)
}

// cachedRead is the prepared statement for a read outside a transaction on SQLite.
func (s *store) cachedRead(ctx context.Context, query string) (*sqlx.Stmt, bool, error) {
	if s.tx != nil || s.db.dialect != SQLite {
		return nil, false, nil
	}
	return s.db.reads.prepared(ctx, s.db.read, query)
}

// execContext runs a write with "?" placeholders and reports how many rows it changed.
func (s *store) execContext(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.writer().ExecContext(ctx, s.rebind(query), args...)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

// where collects the conditions of a dynamic query with their arguments, for filter structs.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// pageLimit bounds a list: 0 means the default page, and nobody gets more than 200 rows at once.
func pageLimit(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 200:
		return 200
	}
	return limit
}
