package frontend

import "github.com/convene-social/convene"

// AdminPage is the administration overview: a link to each section with its count.
type AdminPage struct {
	Layout
	PendingSignups int
	DomainBlocks   int
	Accounts       int
	Registration   convene.RegistrationMode // in force
}

func (*AdminPage) template() string { return "admin" }

// AdminSignupsPage lists the accounts waiting for approval, with Approve and Reject.
type AdminSignupsPage struct {
	Layout
	Accounts     []*convene.Account
	Registration convene.RegistrationMode // in force
	Older        string                   // URL of the next page, empty on the last
	Notice       string                   // what the last action did
	FormError
}

func (*AdminSignupsPage) template() string { return "admin_signups" }

// AdminDomainsPage lists the blocked domains and has the form to block another.
type AdminDomainsPage struct {
	Layout
	Hosts  []string
	Host   string // as typed in the block form, to fill it again after an error
	Notice string
	FormError
}

func (*AdminDomainsPage) template() string { return "admin_domains" }

// AdminSettingsPage is the form for the instance settings.
type AdminSettingsPage struct {
	Layout
	Name        string
	Description string // markdown
	// Registration is the stored choice (empty: the configured one); Default is the
	// configured mode, named on the choice that keeps it.
	Registration convene.RegistrationMode
	Default      convene.RegistrationMode
	Saved        bool
	FormError
}

func (*AdminSettingsPage) template() string { return "admin_settings" }

// RegistrationChoice is one radio button of the registration setting.
type RegistrationChoice struct {
	ID       string // of the input, for its label
	Value    convene.RegistrationMode
	Label    string
	Selected bool
}

// RegistrationChoices are the registration modes an admin may choose, the stored one selected.
func (p *AdminSettingsPage) RegistrationChoices() []RegistrationChoice {
	choices := []RegistrationChoice{
		{ID: "default", Label: "As configured on the server (" + string(p.Default) + ")"},
		{ID: "open", Value: convene.RegistrationOpen, Label: "Open: anyone may sign up and use their account at once"},
		{ID: "approval", Value: convene.RegistrationApproval, Label: "Approval: anyone may ask; an admin or moderator approves each account"},
		{ID: "closed", Value: convene.RegistrationClosed, Label: "Closed: only admins create accounts"},
	}
	for i := range choices {
		choices[i].Selected = choices[i].Value == p.Registration
	}
	return choices
}
