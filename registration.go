package convene

// RegistrationMode says who may sign up on this instance.
type RegistrationMode string

const (
	RegistrationOpen     RegistrationMode = "open"     // anyone; accounts are usable at once
	RegistrationApproval RegistrationMode = "approval" // anyone may ask; staff approve each account
	RegistrationClosed   RegistrationMode = "closed"   // only admins create accounts
)

// Valid reports whether m is a known mode.
func (m RegistrationMode) Valid() bool {
	return m == RegistrationOpen || m == RegistrationApproval || m == RegistrationClosed
}
