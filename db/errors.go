package db

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/convene-social/convene"
)

// translate turns driver errors the service can act on into convene error kinds, keeping the
// driver error in the chain for the log. Other errors are returned as they are (internal).
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &wrapped{kind: convene.Errorf(convene.ENOTFOUND, "not found"), cause: err}
	}
	if kind := constraintKind(err); kind != "" {
		return &wrapped{kind: convene.Errorf(kind, "%s", constraintMessage(kind)), cause: err}
	}
	return err
}

// notFound translates err, giving a no-rows error the message msg.
func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &wrapped{kind: convene.Errorf(convene.ENOTFOUND, "%s", msg), cause: err}
	}
	return translate(err)
}

// constraintKind classifies a constraint violation by the driver's code, never by its text.
func constraintKind(err error) string {
	if e, ok := errors.AsType[*pq.Error](err); ok {
		switch e.Code {
		case "23505": // unique_violation
			return convene.ECONFLICT
		case "23503", "23514", "23502": // foreign_key, check, not_null
			return convene.EINVALID
		}
	}
	if e, ok := errors.AsType[*sqlite.Error](err); ok {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return convene.ECONFLICT
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return convene.EINVALID
		}
	}
	return ""
}

func constraintMessage(kind string) string {
	if kind == convene.ECONFLICT {
		return "already exists"
	}
	return "refers to something that does not exist or breaks a rule"
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	e, ok := errors.AsType[*sqlite.Error](err)
	return ok && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// violatedConstraint names the unique index err violated, as the schema names it, so a store
// method can say which of several unique fields clashed. SQLite reports the columns of plain
// unique indexes ("UNIQUE constraint failed: actors.name") and the name of expression indexes
// ("UNIQUE constraint failed: index 'accounts_email_key'"); the former are mapped through
// sqliteUniqueColumns.
func violatedConstraint(err error) string {
	if e, ok := errors.AsType[*pq.Error](err); ok {
		return e.Constraint
	}
	if e, ok := errors.AsType[*sqlite.Error](err); ok && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		_, detail, _ := strings.Cut(e.Error(), "UNIQUE constraint failed: ")
		detail, _, _ = strings.Cut(detail, " (")
		if name, ok := strings.CutPrefix(detail, "index '"); ok {
			return strings.TrimSuffix(name, "'")
		}
		return sqliteUniqueColumns[detail]
	}
	return ""
}

// sqliteUniqueColumns maps SQLite's column lists for unique indexes to the index names.
var sqliteUniqueColumns = map[string]string{
	"actors.name": "actors_name_key",
}

// wrapped is a convene.Error kind over the driver error that caused it.
type wrapped struct {
	kind  *convene.Error
	cause error
}

func (w *wrapped) Error() string   { return w.kind.Error() + ": " + w.cause.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.kind, w.cause} }
