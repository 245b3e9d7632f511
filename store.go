package convene

import "context"

// Store is everything the service layer persists. Use-cases that change several things at
// once do it inside InTx, so either all of it lands or none of it does.
type Store interface {
	AccountStore
	CommunityStore

	// InTx runs fn in one transaction: it commits if fn returns nil and rolls back otherwise.
	// fn must use the Store it is given, not the outer one.
	InTx(ctx context.Context, fn func(Store) error) error
}
