package convene_test

import "fmt"

type errString string

func (e errString) Error() string { return string(e) }

func fmtWrap(err error) error { return fmt.Errorf("create account: %w", err) }
