package convene

import "context"

// Principal is who is asking for a use-case: a signed-in account, the operator at the
// command line, or nobody. The service layer decides what each may do.
type Principal struct {
	Account  *Account // nil for anonymous visitors and for the operator
	Operator bool     // the command line, run by whoever runs the server: may do anything
}

type principalKey struct{}

// WithPrincipal returns a context carrying p; handlers set it once per request.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// WithOperator marks ctx as coming from the server's operator (the CLI).
func WithOperator(ctx context.Context) context.Context {
	return WithPrincipal(ctx, Principal{Operator: true})
}

// PrincipalFrom returns the principal in ctx, the anonymous one if none was set.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// IsAdmin reports whether p may administer the instance.
func (p Principal) IsAdmin() bool {
	return p.Operator || (p.Account != nil && p.Account.Role == RoleAdmin && p.Account.State == AccountApproved)
}

// IsStaff reports whether p may moderate the whole instance.
func (p Principal) IsStaff() bool {
	return p.Operator || (p.Account != nil && p.Account.IsStaff() && p.Account.State == AccountApproved)
}
