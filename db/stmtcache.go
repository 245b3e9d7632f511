package db

import (
	"context"
	"errors"
	"sync"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps the read queries run outside transactions prepared, on SQLite only.
// modernc's SQLite compiles every statement afresh, and for the larger queries (the event
// agenda's union of branches) compiling costs more than running: a community page spent a
// third of its CPU in SQLite's parser. PostgreSQL is left alone, since a prepared statement
// there may switch to a generic plan that ignores the arguments the agenda queries rely on.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt // by rebound query text
}

// maxCachedStatements bounds the cache: queries built from filters come in a bounded number
// of shapes, but IN lists of varying length could make more, and those go unprepared.
const maxCachedStatements = 256

// prepared returns the statement for query, preparing it on pool the first time; ok=false
// when the cache is full and the caller should run the query as it is.
func (c *stmtCache) prepared(ctx context.Context, pool *sqlx.DB, query string) (*sqlx.Stmt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, true, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil, false, nil
	}
	// The statement outlives this request: a cancelled request must not leave it half-made.
	st, err := pool.PreparexContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, false, translate(err)
	}
	if c.stmts == nil {
		c.stmts = map[string]*sqlx.Stmt{}
	}
	c.stmts[query] = st
	return st, true, nil
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = nil
	return errors.Join(errs...)
}
